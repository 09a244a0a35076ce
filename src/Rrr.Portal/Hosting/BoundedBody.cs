using System.IO.Pipelines;

namespace Rrr.Portal.Hosting;

/// <summary>Reads a request body that an unauthenticated caller controls, never holding more than a limit.</summary>
internal static class BoundedBody
{
    /// <summary>The whole body, or null as soon as it grows past <paramref name="limit"/> (whatever Content-Length said).</summary>
    public static async Task<byte[]?> ReadAsync(PipeReader reader, int limit, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (buffer.Length > limit)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                return null;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                var bytes = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return bytes;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
