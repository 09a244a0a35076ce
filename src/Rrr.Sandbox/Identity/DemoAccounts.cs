namespace Rrr.Sandbox.Identity;

/// <summary>Roles the development identity provider issues. The portal maps the first three to policies.</summary>
public static class DemoRoles
{
    public const string Member = "member";
    public const string Model = "model";
    public const string Admin = "admin";
    public const string RrrAdmin = "rrr_admin";
}

/// <summary>A demo person. <see cref="Subject"/> is the opaque XCN user id the portal sees.</summary>
public sealed record DemoAccount(string Subject, string UserName, string DisplayName, string Role, string Description);

public static class DemoAccounts
{
    public static IReadOnlyList<DemoAccount> All { get; } =
    [
        new("xcn_u_1001", "mia", "Mia Member", DemoRoles.Member, "Member, linked to RRR"),
        new("xcn_u_1002", "noah", "Noah Newcomer", DemoRoles.Member, "Member, not linked yet"),
        new("xcn_u_1003", "oli", "Oli Member", DemoRoles.Member, "Member, linked to RRR, few points"),
        new("xcn_u_1004", "pia", "Pia Viewer", DemoRoles.Member, "Member (room viewer), no RRR account yet"),
        new("xcn_u_2001", "luna", "Luna Model", DemoRoles.Model, "Model, awards viewers in-stream"),
        new("xcn_u_9001", "ada", "Ada Admin", DemoRoles.Admin, "XCN admin"),
        new("xcn_u_9002", "grace", "Grace Admin", DemoRoles.Admin, "Second XCN admin"),
        new("xcn_u_9003", "hugo", "Hugo Admin", DemoRoles.Admin, "Third XCN admin (adjustments over 100 points need two checkers besides the maker)"),
        new("rrr_a_0001", "rita", "Rita RRR-Admin", DemoRoles.RrrAdmin, "RRR admin, uses the sandbox console"),
    ];

    public static DemoAccount? Find(string? userName) =>
        All.FirstOrDefault(a => string.Equals(a.UserName, userName, StringComparison.OrdinalIgnoreCase));

    public static DemoAccount? FindBySubject(string? subject) =>
        All.FirstOrDefault(a => string.Equals(a.Subject, subject, StringComparison.Ordinal));
}
