using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Rrr.Sandbox;

namespace Rrr.Portal.Tests.Sandbox.Hooks;

/// <summary>The real sandbox on a free loopback port with its own data folder.</summary>
internal sealed class RunningSandbox : IAsyncDisposable
{
    private readonly string _dataFolder;

    private RunningSandbox(WebApplication app, Uri url, string dataFolder)
    {
        App = app;
        Url = url;
        _dataFolder = dataFolder;
        Client = new HttpClient(new HttpClientHandler { UseCookies = true, CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = url,
        };
    }

    public WebApplication App { get; }

    public Uri Url { get; }

    /// <summary>Keeps cookies (antiforgery) and does not follow redirects, so tests see them.</summary>
    public HttpClient Client { get; }

    public T Service<T>()
        where T : notnull => (T)App.Services.GetService(typeof(T))!;

    public static async Task<RunningSandbox> StartAsync(Uri? webhookUrl = null)
    {
        var dataFolder = Path.Combine(Path.GetTempPath(), "rrr-hooks-" + Guid.NewGuid().ToString("N"));
        var url = new Uri($"http://127.0.0.1:{FreePort()}");
        var app = SandboxApp.Build(new SandboxSettings { Url = url, DataFolder = dataFolder, WebhookUrl = webhookUrl });
        await app.StartAsync();
        return new RunningSandbox(app, url, dataFolder);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
