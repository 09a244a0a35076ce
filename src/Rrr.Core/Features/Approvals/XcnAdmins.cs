namespace Rrr.Core.Features.Approvals;

/// <summary>
/// XCN's admins, by XCN user id: who a waiting approval request is for. XCN owns its accounts, so this is a seam:
/// the configured list here (section <c>XcnAdmins</c>), XCN's user directory where it has one.
/// </summary>
public interface IXcnAdminDirectory
{
    Task<IReadOnlyList<string>> ListAdminIdsAsync(CancellationToken cancellationToken);
}

/// <summary>Section <c>XcnAdmins</c>: the XCN user ids of the admins who approve (opaque ids, no names).</summary>
public sealed class XcnAdminOptions
{
    public const string Section = "XcnAdmins";

    public IList<string> AdminIds { get; } = [];
}

/// <summary>The admins named in configuration; none configured means nobody is told a request waits (the queue still shows it).</summary>
public sealed class ConfiguredXcnAdminDirectory(IOptions<XcnAdminOptions> options) : IXcnAdminDirectory
{
    public Task<IReadOnlyList<string>> ListAdminIdsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([.. options.Value.AdminIds.Where(id => !string.IsNullOrWhiteSpace(id)).Distinct(StringComparer.Ordinal)]);
}
