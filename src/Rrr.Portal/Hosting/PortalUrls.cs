namespace Rrr.Portal.Hosting;

/// <summary>Works out where the portal itself listens, so the dev identity provider can allow its redirect URIs.</summary>
internal static class PortalUrls
{
    public static IEnumerable<Uri> From(IConfiguration configuration)
    {
        var raw = configuration["urls"] ?? "http://localhost:5000";
        foreach (var part in raw.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Kestrel accepts wildcard hosts that are not valid URI hosts; browsers arrive via loopback names.
            var normalised = part.Replace("://+", "://localhost", StringComparison.Ordinal)
                .Replace("://*", "://localhost", StringComparison.Ordinal)
                .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
                .Replace("://[::]", "://localhost", StringComparison.Ordinal);
            if (!Uri.TryCreate(normalised, UriKind.Absolute, out var uri))
            {
                continue;
            }

            yield return new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
            var alias = uri.Host switch
            {
                "localhost" => "127.0.0.1",
                "127.0.0.1" => "localhost",
                _ => null,
            };
            if (alias is not null)
            {
                yield return new UriBuilder(uri) { Host = alias, Path = "/" }.Uri;
            }
        }
    }
}
