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

    public List<ConfiguredViewer> Viewers { get; init; } = [];
}

public sealed class ConfiguredViewer
{
    public string XcnUserId { get; init; } = "";

    public string DisplayName { get; init; } = "";
}

/// <summary>Rooms from configuration (read on every call, so an edited file changes the room without a restart).</summary>
public sealed class ConfiguredXcnRoomDirectory(IOptionsMonitor<XcnRoomOptions> options) : IXcnRoomDirectory
{
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
