using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Localization;
using Rrr.Portal.Components;

namespace Rrr.Portal.Hosting;

/// <summary>
/// The portal's two languages with the framework's own localization: resources through
/// <c>IStringLocalizer&lt;T&gt;</c>, the culture per request from the culture cookie (the member's choice, set by
/// <c>GET /culture/set</c>) and otherwise the browser's Accept-Language, English when neither names a supported one.
/// A Blazor circuit keeps the culture of the request that opened it (the middleware runs for the hub's
/// connection too), so a switch reloads the page.
/// </summary>
public static class LocalizationHosting
{
    public const string English = "en";
    public const string Spanish = "es";

    public const string SetPath = "/culture/set";

    /// <summary>Supported cultures, the default first.</summary>
    public static readonly IReadOnlyList<string> Cultures = [English, Spanish];

    /// <summary>Every culture of the supported languages, neutral and regional, for number and date formats.</summary>
    internal static readonly IReadOnlyList<string> FormatCultures =
        [.. Cultures, .. CultureInfo.GetCultures(CultureTypes.SpecificCultures)
            .Where(c => Cultures.Contains(c.TwoLetterISOLanguageName))
            .Select(c => c.Name)
            .Order(StringComparer.Ordinal)];

    public static IServiceCollection AddPortalLocalization(this IServiceCollection services)
    {
        services.AddLocalization();
        services.AddScoped<ReaderTime>(); // the reader's zone, per circuit
        services.Configure<RequestLocalizationOptions>(o =>
        {
            // Texts in English or Spanish; formats in the browser's own variant of them (en-GB writes 14:05 and
            // 21/12/2026, es-MX 1,250.5 where es-ES writes 1.250,5), so numbers and dates read as the member expects.
            o.SetDefaultCulture(English).AddSupportedCultures([.. FormatCultures]).AddSupportedUICultures([.. Cultures]);
            // The cookie (an explicit choice) wins over the browser's list; the query string provider is not wanted.
            o.RequestCultureProviders =
            [
                new CookieRequestCultureProvider { CookieName = CookieRequestCultureProvider.DefaultCookieName },
                new AcceptLanguageHeaderRequestCultureProvider(),
            ];
        });
        return services;
    }

    public static WebApplication UsePortalLocalization(this WebApplication app)
    {
        app.UseRequestLocalization();
        return app;
    }

    public static IEndpointRouteBuilder MapCultureEndpoints(this IEndpointRouteBuilder app)
    {
        // Anonymous: the landing and sign-in pages offer the switch too.
        app.MapGet(SetPath, SetCulture).AllowAnonymous();
        return app;
    }

    /// <summary>The browser's own variant of <paramref name="language"/> (es-MX for a Mexican browser choosing Spanish), else the language.</summary>
    private static string FormatCultureFor(string language, HttpRequest request) =>
        request.GetTypedHeaders().AcceptLanguage
            .OrderByDescending(l => l.Quality ?? 1)
            .Select(l => l.Value.Value)
            .FirstOrDefault(tag => tag is not null
                && tag.StartsWith(language + "-", StringComparison.OrdinalIgnoreCase)
                && FormatCultures.Contains(tag, StringComparer.OrdinalIgnoreCase))
        ?? language;

    /// <summary>Remembers the member's language for a year and goes back to the page, never to another site.</summary>
    internal static Results<RedirectHttpResult, ProblemHttpResult> SetCulture(string? culture, string? redirectUri, HttpContext context)
    {
        if (culture is null || !Cultures.Contains(culture, StringComparer.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(
                detail: "Supported cultures: " + string.Join(", ", Cultures) + ".",
                statusCode: StatusCodes.Status400BadRequest,
                title: "Unsupported culture");
        }

        var name = culture.ToLowerInvariant();
        context.Response.Cookies.Append(
            CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(FormatCultureFor(name, context.Request), name)),
            new CookieOptions
            {
                // Max-Age alone: no clock needed, and every current browser honours it.
                MaxAge = TimeSpan.FromDays(365),
                SameSite = SameSiteMode.Lax,
                Secure = context.Request.IsHttps,
                IsEssential = true,
                Path = "/",
            });

        // The framework's check, not ours: an absolute or protocol-relative URL falls back to the home page.
        var target = RedirectHttpResult.IsLocalUrl(redirectUri) ? redirectUri! : "~/";
        return TypedResults.LocalRedirect(target);
    }
}
