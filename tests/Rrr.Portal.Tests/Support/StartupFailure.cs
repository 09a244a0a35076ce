using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Rrr.Portal.Hosting;

namespace Rrr.Portal.Tests.Support;

/// <summary>
/// Builds and starts the real portal (AddPortal/UsePortal, as Program does) with the given settings and
/// returns why it refused to start. Not through WebApplicationFactory: when start-up fails, its deferred
/// host can race the app's own disposal and report "Cannot access a disposed object" instead of the reason.
/// </summary>
internal static class StartupFailure
{
    public static string Of(string environment, params (string Key, string Value)[] settings)
    {
        var data = Path.Combine(Path.GetTempPath(), "rrr-portal-tests", Guid.NewGuid().ToString("N"));
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ApplicationName = typeof(Program).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(
            settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))
                .Append(new("Store:DataFolder", data)));

        var ex = Record.Exception(() =>
        {
            builder.AddPortal();
            using var app = builder.Build();
            app.UsePortal();
            try
            {
                app.StartAsync(TestContext.Current.CancellationToken).GetAwaiter().GetResult();
            }
            finally
            {
                app.StopAsync(TestContext.Current.CancellationToken).GetAwaiter().GetResult();
            }
        });

        Assert.NotNull(ex);
        return ex is AggregateException agg
            ? string.Join(Environment.NewLine, agg.Flatten().InnerExceptions.Select(e => e.Message))
            : ex.Message;
    }
}
