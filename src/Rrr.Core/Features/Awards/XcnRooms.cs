namespace Rrr.Core.Features.Awards;

/// <summary>
/// XCN owns rooms and streams; the portal only asks which room a model is live in and who is watching.
/// Production points this at XCN's room service; development reads the stand-in from configuration.
/// </summary>
public interface IXcnRoomDirectory
{
    /// <summary>The model's current live room, or null when the model is not live.</summary>
    Task<LiveRoom?> GetCurrentRoomAsync(string modelXcnUserId, CancellationToken cancellationToken);
}

/// <summary>
/// XCN's display names of its users, for the screen only (e.g. "Luna sent you 50 points"): never logged or stored.
/// Production points this at XCN's profile service; development reads the names of the configured rooms.
/// </summary>
public interface IXcnUserNames
{
    /// <summary>The name XCN shows for the user, or null when it has none to give.</summary>
    Task<string?> GetDisplayNameAsync(string xcnUserId, CancellationToken cancellationToken);
}

/// <summary>A live room as XCN reports it; ids are opaque.</summary>
public sealed record LiveRoom(string RoomId, string StreamId, string Title, IReadOnlyList<RoomViewer> Viewers)
{
    public RoomViewer? FindViewer(string xcnUserId) =>
        Viewers.FirstOrDefault(v => string.Equals(v.XcnUserId, xcnUserId, StringComparison.Ordinal));
}

/// <summary>A viewer in a room. The display name is for the screen only: it is never logged or stored.</summary>
public sealed record RoomViewer(string XcnUserId, string DisplayName);

/// <summary>Configuration section <c>XcnRooms</c>: the development stand-in for XCN's room directory.</summary>
public sealed class XcnRoomOptions
{
    public const string Section = "XcnRooms";

    public List<ConfiguredRoom> Rooms { get; init; } = [];
}

public sealed class ConfiguredRoom
{
    public string ModelXcnUserId { get; init; } = "";

    public string RoomId { get; init; } = "";

    public string StreamId { get; init; } = "";

    public string Title { get; init; } = "";

    /// <summary>The model's display name (what a viewer's notification of an award calls them).</summary>
    public string ModelDisplayName { get; init; } = "";

    public List<ConfiguredViewer> Viewers { get; init; } = [];
}

public sealed class ConfiguredViewer
{
    public string XcnUserId { get; init; } = "";

    public string DisplayName { get; init; } = "";
}

/// <summary>Rooms from configuration (read on every call, so an edited file changes the room without a restart).</summary>
public sealed class ConfiguredXcnRoomDirectory(IOptionsMonitor<XcnRoomOptions> options) : IXcnRoomDirectory, IXcnUserNames
{
    public Task<string?> GetDisplayNameAsync(string xcnUserId, CancellationToken cancellationToken)
    {
        var rooms = options.CurrentValue.Rooms;
        var name = rooms.FirstOrDefault(r => r.ModelXcnUserId == xcnUserId && !string.IsNullOrWhiteSpace(r.ModelDisplayName))?.ModelDisplayName
            ?? rooms.SelectMany(r => r.Viewers).FirstOrDefault(v => v.XcnUserId == xcnUserId && !string.IsNullOrWhiteSpace(v.DisplayName))?.DisplayName;
        return Task.FromResult(name);
    }

    public Task<LiveRoom?> GetCurrentRoomAsync(string modelXcnUserId, CancellationToken cancellationToken)
    {
        var room = options.CurrentValue.Rooms.FirstOrDefault(r => string.Equals(r.ModelXcnUserId, modelXcnUserId, StringComparison.Ordinal));
        return Task.FromResult(room is null || string.IsNullOrWhiteSpace(room.RoomId) || string.IsNullOrWhiteSpace(room.StreamId)
            ? null
            : new LiveRoom(
                room.RoomId,
                room.StreamId,
                string.IsNullOrWhiteSpace(room.Title) ? room.RoomId : room.Title,
                room.Viewers.Where(v => !string.IsNullOrWhiteSpace(v.XcnUserId))
                    .Select(v => new RoomViewer(v.XcnUserId, string.IsNullOrWhiteSpace(v.DisplayName) ? v.XcnUserId : v.DisplayName))
                    .ToList()));
    }
}
