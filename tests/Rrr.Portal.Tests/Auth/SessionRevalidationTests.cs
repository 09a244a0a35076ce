using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Rrr.Portal.Auth;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Auth;

public sealed class SessionRevalidationTests
{
    private static readonly DateTimeOffset SignInTime = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheCookie_IsRefusedAfterTheAbsoluteLifetime_EvenThoughSlidingExpirationKeptRenewingIt()
    {
        var time = new FakeTimeProvider(SignInTime);
        await using var app = await StartCookieHostAsync(time, absoluteLifetime: null);
        using var client = app.GetTestClient();

        var cookie = await SignInAsync(client);
        time.Advance(TimeSpan.FromHours(5)); // past half of the 8 h sliding window: the cookie is re-issued
        var (renewedUser, renewed) = await WhoAmIAsync(client, cookie);
        Assert.Equal("mia", renewedUser);
        Assert.NotNull(renewed);

        time.Advance(TimeSpan.FromHours(4)); // 9 h after sign-in, 4 h after renewal
        Assert.Equal("mia", (await WhoAmIAsync(client, renewed)).User);

        time.Advance(TimeSpan.FromHours(3) + TimeSpan.FromMinutes(1)); // 12 h 01 after sign-in; the renewed cookie runs to 13 h
        var (expiredUser, cleared) = await WhoAmIAsync(client, renewed);
        Assert.Equal("anonymous", expiredUser);
        Assert.NotNull(cleared);
        Assert.Contains("expires=Thu, 01 Jan 1970", cleared, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheAbsoluteLifetime_IsConfigurable()
    {
        var time = new FakeTimeProvider(SignInTime);
        await using var app = await StartCookieHostAsync(time, absoluteLifetime: "02:00:00");
        using var client = app.GetTestClient();

        var cookie = await SignInAsync(client);
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal("mia", (await WhoAmIAsync(client, cookie)).User);
        time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        Assert.Equal("anonymous", (await WhoAmIAsync(client, cookie)).User);
    }

    [Fact]
    public async Task AnOpenCircuit_IsSignedOut_OnceTheAbsoluteLifetimePasses()
    {
        var time = new FakeTimeProvider(SignInTime);
        await using var services = SessionServices(time, new() { ["Auth:RevalidationInterval"] = "00:00:00.050", ["Auth:AbsoluteSessionLifetime"] = "01:00:00" });
        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        ((IHostEnvironmentAuthenticationStateProvider)provider).SetAuthenticationState(
            Task.FromResult(new AuthenticationState(StampedUser(SignInTime))));
        var signedOut = new TaskCompletionSource<ClaimsPrincipal>(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.AuthenticationStateChanged += async task => signedOut.TrySetResult((await task).User);
        var checks = scope.ServiceProvider.GetServices<ISessionCheck>().ToList();
        time.Advance(TimeSpan.FromMinutes(59));
        Assert.True(await checks.Single().IsStillValidAsync(StampedUser(SignInTime), Ct));
        time.Advance(TimeSpan.FromMinutes(2));

        var user = await signedOut.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.False(user.Identity?.IsAuthenticated);
    }

    [Fact]
    public void APrincipalWithoutTheSignInStamp_CountsAsExpired()
    {
        var unstamped = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "xcn_u_1001")], "test"));

        Assert.False(SessionLifetime.IsWithin(unstamped, SignInTime, TimeSpan.FromHours(12)));
        Assert.True(SessionLifetime.IsWithin(StampedUser(SignInTime), SignInTime.AddHours(11), TimeSpan.FromHours(12)));
    }

    [Fact]
    public void ThePortal_UsesTheRevalidatingProviderForCircuits()
    {
        using var factory = new PortalFactory();
        using var scope = factory.Services.CreateScope();

        Assert.IsType<PortalSessionRevalidator>(scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>());
    }

    private static ClaimsPrincipal StampedUser(DateTimeOffset signedInAt)
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "xcn_u_1001"), new Claim("name", "mia")], "test", "name", "role"));
        SessionLifetime.Stamp(principal, signedInAt);
        return principal;
    }

    private static ServiceProvider SessionServices(TimeProvider time, Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(time);
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddPortalSessions();
        return services.BuildServiceProvider();
    }

    /// <summary>The portal's real cookie scheme (AddPortalAuth + AddPortalSessions) on TestServer, with a sign-in endpoint.</summary>
    private static async Task<WebApplication> StartCookieHostAsync(TimeProvider time, string? absoluteLifetime)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        if (absoluteLifetime is not null)
        {
            builder.Configuration.AddInMemoryCollection([new("Auth:AbsoluteSessionLifetime", absoluteLifetime)]);
        }

        builder.Services.AddSingleton(time);
        // The OIDC handler is initialised on every request (callback paths); it only needs settings, no network.
        builder.Services.Configure<global::Rrr.Portal.Hosting.OidcOptions>(o =>
        {
            o.Authority = PortalFactory.Authority;
            o.ClientId = "portal-tests";
            o.ClientSecret = "portal-tests-secret";
        });
        builder.Services.AddPortalAuth();
        builder.Services.AddPortalSessions();
        var app = builder.Build();
        app.UseAuthentication();
        app.MapGet("/test/signin", async (HttpContext http) =>
        {
            var identity = new ClaimsIdentity([new Claim("sub", "xcn_u_1001"), new Claim("name", "mia")], "oidc", "name", "role");
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        }).AllowAnonymous();
        app.MapGet("/test/me", (HttpContext http) => http.User.Identity?.IsAuthenticated == true ? http.User.Identity.Name : "anonymous").AllowAnonymous();
        await app.StartAsync(Ct);
        return app;
    }

    private static async Task<string> SignInAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/test/signin", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return CookieFrom(response) ?? throw new InvalidOperationException("No auth cookie was issued.");
    }

    private static async Task<(string User, string? SetCookie)> WhoAmIAsync(HttpClient client, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/test/me");
        request.Headers.Add("Cookie", cookie.Split(';')[0]);
        using var response = await client.SendAsync(request, Ct);
        return (await response.Content.ReadAsStringAsync(Ct), CookieFrom(response));
    }

    private static string? CookieFrom(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.FirstOrDefault(v => v.StartsWith(AuthSetup.CookieName + "=", StringComparison.Ordinal))
            : null;
}
