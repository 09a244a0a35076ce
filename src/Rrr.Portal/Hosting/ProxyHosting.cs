using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;

namespace Rrr.Portal.Hosting;

/// <summary>
/// The reverse proxy in front of the portal. Bound from "ReverseProxy". XCN terminates TLS at nginx, so the
/// portal sees plain HTTP from the proxy; the proxy's X-Forwarded-For/Proto/Host are trusted only from the
/// addresses listed here (loopback when nothing is configured), never from anyone else.
/// </summary>
public sealed class ReverseProxyOptions
{
    public const string Section = "ReverseProxy";

    /// <summary>Proxy addresses whose forwarded headers are believed, e.g. <c>10.0.0.5</c>.</summary>
    public IList<string> KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR notation, e.g. <c>10.0.0.0/24</c>.</summary>
    public IList<string> KnownNetworks { get; set; } = [];

    /// <summary>How many proxies deep X-Forwarded-For is read; one nginx in front means 1.</summary>
    public int ForwardLimit { get; set; } = 1;

    /// <summary>Host names the proxy may forward in X-Forwarded-Host (empty: any, nginx sets it from its own server_name).</summary>
    public IList<string> AllowedHosts { get; set; } = [];
}

/// <summary>Every address must parse and the limit must be positive; messages name the setting.</summary>
internal sealed class ReverseProxyOptionsValidator : IValidateOptions<ReverseProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, ReverseProxyOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.KnownProxies.Count; i++)
        {
            if (!IPAddress.TryParse(options.KnownProxies[i], out _))
            {
                failures.Add($"{ReverseProxyOptions.Section}:KnownProxies:{i} is not an IP address.");
            }
        }

        for (var i = 0; i < options.KnownNetworks.Count; i++)
        {
            if (!IPNetwork.TryParse(options.KnownNetworks[i], out _))
            {
                failures.Add($"{ReverseProxyOptions.Section}:KnownNetworks:{i} is not a network in CIDR notation (e.g. 10.0.0.0/24).");
            }
        }

        if (options.ForwardLimit < 1)
        {
            failures.Add($"{ReverseProxyOptions.Section}:ForwardLimit must be at least 1.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Forwarded headers, Secure cookies and HSTS for a portal that runs behind a TLS-terminating proxy.</summary>
public static class ProxyHosting
{
    public static IServiceCollection AddPortalProxy(this IServiceCollection services, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        services.AddOptions<ReverseProxyOptions>().BindConfiguration(ReverseProxyOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReverseProxyOptions>, ReverseProxyOptionsValidator>();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ReverseProxyOptions>>((o, proxy) => Configure(o, proxy.Value));

        // One policy for every cookie (auth, OIDC correlation/nonce, antiforgery, anything added later): outside
        // Development the browser only ever reaches the portal over https, so no cookie may travel in clear.
        services.Configure<CookiePolicyOptions>(o =>
        {
            o.Secure = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        });
        services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            o.IncludeSubDomains = false; // XCN's other sites under the same parent domain are not ours to pin
        });
        return services;
    }

    /// <summary>First in the pipeline, so the scheme, host and client address are the browser's before anything reads them.</summary>
    public static WebApplication UsePortalProxy(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseForwardedHeaders();
        app.UseCookiePolicy();
        return app;
    }

    internal static void Configure(ForwardedHeadersOptions o, ReverseProxyOptions proxy)
    {
        o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
        o.ForwardLimit = proxy.ForwardLimit;
        o.AllowedHosts = [.. proxy.AllowedHosts.Where(h => !string.IsNullOrWhiteSpace(h))];
        var proxies = proxy.KnownProxies.Select(p => IPAddress.TryParse(p, out var a) ? a : null).OfType<IPAddress>().ToList();
        var networks = proxy.KnownNetworks.Select(n => IPNetwork.TryParse(n, out var net) ? (IPNetwork?)net : null).OfType<IPNetwork>().ToList();
        if (proxies.Count == 0 && networks.Count == 0)
        {
            // The framework's own default: a proxy on the same machine.
            return;
        }

        o.KnownProxies.Clear();
        o.KnownIPNetworks.Clear();
        foreach (var address in proxies)
        {
            o.KnownProxies.Add(address);
        }

        foreach (var network in networks)
        {
            o.KnownIPNetworks.Add(network);
        }
    }
}
