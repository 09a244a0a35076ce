namespace Rrr.Core.Features.Approvals;

/// <summary>Role names written into the log.</summary>
public static class ApprovalRoles
{
    public const string XcnAdmin = "XCN_ADMIN";

    /// <summary>The other side's admin, recorded when RRR closed a request itself (see <see cref="ApprovalEngine.CloseRejectedElsewhereAsync"/>).</summary>
    public const string RrrAdmin = "RRR_ADMIN";
}
