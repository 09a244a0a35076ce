using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Rrr.Portal.Tests.Support;

/// <summary>Starts the real portal with the given settings and returns why it refused to start.</summary>
internal static class StartupFailure
{
    public static string Of(string environment, params (string Key, string Value)[] settings)
    {
        var data = Path.Combine(Path.GetTempPath(), "rrr-portal-tests", Guid.NewGuid().ToString("N"));
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment(environment);
            b.UseSetting("Store:DataFolder", data);
            foreach (var (key, value) in settings)
            {
                b.UseSetting(key, value);
            }
        });

        var ex = Record.Exception(() => factory.CreateClient());

        Assert.NotNull(ex);
        return ex is AggregateException agg
            ? string.Join(Environment.NewLine, agg.Flatten().InnerExceptions.Select(e => e.Message))
            : ex.Message;
    }
}
