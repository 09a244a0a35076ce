using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Localization;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Culture;

/// <summary>GET /culture/set: remembers the language in the framework's culture cookie and goes back only within the portal.</summary>
public sealed class CultureEndpointTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<HttpResponseMessage> GetAsync(string url, params string[] roles)
    {
        using var client = factory.CreateClientAs(roles);
        return await client.GetAsync(new Uri(url, UriKind.Relative), Ct);
    }

    private static string CultureCookie(HttpResponseMessage response) =>
        Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(CookieRequestCultureProvider.DefaultCookieName + "=", StringComparison.Ordinal));

    [Fact]
    public async Task Spanish_SetsTheCultureCookieForAYear_AndGoesBack()
    {
        using var response = await GetAsync("/culture/set?culture=es&redirectUri=%2Fmember%3Ftab%3D1", "member");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/member?tab=1", response.Headers.Location!.OriginalString);
        var cookie = CultureCookie(response);
        Assert.Contains(Uri.EscapeDataString(CookieRequestCultureProvider.MakeCookieValue(new RequestCulture("es"))), cookie, StringComparison.Ordinal);
        Assert.Contains("max-age=31536000", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AMexicanBrowserChoosingSpanish_KeepsMexicanFormats_WithSpanishTexts()
    {
        using var client = factory.CreateClientAs("member");
        client.DefaultRequestHeaders.Add("Accept-Language", "en-US,es-MX;q=0.8");

        using var response = await client.GetAsync(new Uri("/culture/set?culture=es&redirectUri=%2F", UriKind.Relative), Ct);

        Assert.Contains("c%3Des-MX%7Cuic%3Des", CultureCookie(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anonymous_MaySwitch()
    {
        using var response = await GetAsync("/culture/set?culture=en&redirectUri=%2F");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
        Assert.Contains("c%3Den%7Cuic%3Den", CultureCookie(response), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https%3A%2F%2Fevil.example%2Fmember")]
    [InlineData("%2F%2Fevil.example%2Fmember")]
    [InlineData("%2F%5Cevil.example")]
    [InlineData("javascript%3Aalert(1)")]
    public async Task AnOffSiteRedirect_GoesHomeInstead(string redirectUri)
    {
        using var response = await GetAsync("/culture/set?culture=es&redirectUri=" + redirectUri);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.False(location.IsAbsoluteUri, location.ToString());
        Assert.Equal("/", location.OriginalString);
    }

    [Theory]
    [InlineData("/culture/set?culture=fr&redirectUri=%2F")]
    [InlineData("/culture/set?redirectUri=%2F")]
    public async Task AnUnsupportedCulture_Is400ProblemDetails_AndSetsNothing(string url)
    {
        using var response = await GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("Unsupported culture", body.RootElement.GetProperty("title").GetString());
        Assert.False(response.Headers.Contains("Set-Cookie") && response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith(CookieRequestCultureProvider.DefaultCookieName, StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("es-ES,es;q=0.9,en;q=0.5", "es")]
    [InlineData("fr-FR,fr;q=0.9", "en")]
    [InlineData("de", "en")]
    public async Task ThePage_TakesTheBrowsersLanguage_WhenNoneWasChosen(string acceptLanguage, string expected)
    {
        using var client = factory.CreateClientAs();
        client.DefaultRequestHeaders.Add("Accept-Language", acceptLanguage);

        var html = await client.GetStringAsync(new Uri("/", UriKind.Relative), Ct);

        Assert.Contains($"<html lang=\"{expected}\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCookie_WinsOverTheBrowsersLanguage()
    {
        using var client = factory.CreateClientAs();
        client.DefaultRequestHeaders.Add("Accept-Language", "es-ES,es;q=0.9");
        client.DefaultRequestHeaders.Add("Cookie", CookieRequestCultureProvider.DefaultCookieName + "=" + Uri.EscapeDataString(CookieRequestCultureProvider.MakeCookieValue(new RequestCulture("en"))));

        var html = await client.GetStringAsync(new Uri("/", UriKind.Relative), Ct);

        Assert.Contains("<html lang=\"en\"", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"language-es\"", html, StringComparison.Ordinal);
    }
}
