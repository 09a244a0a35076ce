namespace Rrr.Core.Features.Members;

/// <summary>
/// Who is signed in, as the identity provider said: the XCN user id (the <c>sub</c> claim). This is the
/// only source of "which member" for member features; ids in URLs or requests are never used instead.
/// The portal implements it over the circuit's authentication state.
/// </summary>
public interface IMemberIdentity
{
    /// <summary>The signed-in XCN user id, or null when nobody (or no <c>sub</c>) is signed in.</summary>
    Task<string?> GetXcnUserIdAsync(CancellationToken cancellationToken);
}

/// <summary>A member feature was used without a signed-in identity that carries an XCN user id.</summary>
public sealed class MemberIdentityMissingException() : InvalidOperationException("No signed-in member (no sub claim).");
