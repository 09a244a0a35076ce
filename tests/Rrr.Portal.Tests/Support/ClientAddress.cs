using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Rrr.Portal.Tests.Support;

/// <summary>
/// TestServer has no socket, so no client address: this sets <c>RemoteIpAddress</c> from <see cref="Header"/>
/// first thing in the pipeline (where the forwarded-headers middleware would leave a proxied client's address).
/// </summary>
public static class ClientAddress
{
    public const string Header = "X-Test-Client-Ip";

    public static IWebHostBuilder UseTestClientAddress(this IWebHostBuilder builder) =>
        builder.ConfigureTestServices(s => s.AddSingleton<IStartupFilter, Filter>());

    public static void From(HttpRequestMessage request, string address)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Add(Header, address);
    }

    private sealed class Filter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, proceed) =>
            {
                if (http.Request.Headers.TryGetValue(Header, out var value) && IPAddress.TryParse(value.ToString(), out var address))
                {
                    http.Connection.RemoteIpAddress = address;
                }

                return proceed(http);
            });
            next(app);
        };
    }
}
