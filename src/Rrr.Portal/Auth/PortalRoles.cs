namespace Rrr.Portal.Auth;

/// <summary>Role values the identity provider issues, and the policy names that guard pages and endpoints.</summary>
public static class PortalRoles
{
    public const string Member = "member";
    public const string Model = "model";
    public const string Admin = "admin";
}

public static class PortalPolicies
{
    public const string Member = "member";
    public const string Model = "model";
    public const string Admin = "admin";

    /// <summary>Anyone with notifications: members and models (their points), admins (their approval work).</summary>
    public const string Inbox = "inbox";
}
