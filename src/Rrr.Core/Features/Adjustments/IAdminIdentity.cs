namespace Rrr.Core.Features.Adjustments;

/// <summary>
/// The signed-in XCN admin: their XCN user id (the <c>sub</c> claim) when the identity carries the admin
/// role, else null. Every adjustment action asks this, so a page that forgot its policy still cannot act.
/// </summary>
public interface IAdminIdentity
{
    Task<string?> GetAdminIdAsync(CancellationToken cancellationToken);
}

/// <summary>Refused before the engine is asked: not an admin, the admin's own account, an unlinked member.</summary>
public sealed class AdjustmentRefusedException(string code, string message) : RefusedException(code, message)
{
    public const string NotAdmin = "not_admin";
    public const string OwnAccount = "own_account";
    public const string NotLinked = "not_linked";
    public const string Invalid = "invalid";
}
