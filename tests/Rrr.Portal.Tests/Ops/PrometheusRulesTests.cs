using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Rrr.Core.Rrr.Http;
using Rrr.Portal.Hosting;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Ops;

/// <summary>
/// The alert rules in <c>ops/prometheus</c>: valid (<c>promtool check rules</c>), behaving as their unit tests
/// say (<c>promtool test rules</c>, Debian's prometheus package; test.sh installs it), and written against metric
/// names the portal really exposes, so a renamed metric cannot silently disarm an alert.
/// </summary>
public sealed partial class PrometheusRulesTests
{
    private const string ScrapeKey = "prometheus-rules-tests-scrape-key-0123456789";

    private static readonly string Folder = Path.Combine(RepositoryFiles.Root, "ops", "prometheus");

    [Fact]
    public async Task Promtool_check_rules_accepts_the_rule_file() =>
        await PromtoolAsync("check", "rules", "rrr-portal.rules.yml");

    [Fact]
    public async Task Promtool_test_rules_passes_the_alert_unit_tests() =>
        await PromtoolAsync("test", "rules", "rrr-portal.rules.test.yml");

    [Fact]
    public async Task Every_portal_metric_the_rules_use_is_in_the_portal_scrape()
    {
        var rules = await File.ReadAllTextAsync(Path.Combine(Folder, "rrr-portal.rules.yml"), TestContext.Current.CancellationToken);
        var used = MetricName().Matches(rules).Select(m => m.Value).Where(n => n.StartsWith("rrr_", StringComparison.Ordinal) || n.StartsWith("http_server_", StringComparison.Ordinal)).ToHashSet();
        Assert.Contains("rrr_earn_oldest_age_seconds", used);

        using var portal = new PortalFactory();
        using var factory = portal.WithWebHostBuilder(b => b.UseSetting("Metrics:ScrapeKeys:0", ScrapeKey));
        using var client = factory.CreateClient();

        // One measurement of each histogram, so their series exist: an RRR call and a webhook answer.
        factory.Services.GetRequiredService<RrrClientMetrics>().Record("POST", "/v1/earn-events", null, TimeSpan.FromMilliseconds(5));
        (await client.PostAsync(new Uri("/webhooks/rrr", UriKind.Relative), new StringContent("{}"), TestContext.Current.CancellationToken)).Dispose();
        using var request = new HttpRequestMessage(HttpMethod.Get, MetricsOptions.Path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ScrapeKey);
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var scrape = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var exposed = scrape.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => MetricName().Match(l).Value).ToHashSet();
        var missing = used.Where(n => !exposed.Contains(n)).ToList();
        Assert.True(missing.Count == 0, $"The rules use metrics the portal does not expose: {string.Join(", ", missing)}\nExposed: {string.Join(", ", exposed.Order(StringComparer.Ordinal))}");
        Assert.Contains("http_route=\"/webhooks/rrr\"", scrape, StringComparison.Ordinal);
    }

    private static async Task PromtoolAsync(params string[] args)
    {
        var promtool = Environment.GetEnvironmentVariable("RRR_PROMTOOL_PATH") is { Length: > 0 } p ? p : "promtool";
        var start = new ProcessStartInfo(promtool)
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception ex)
        {
            Assert.Fail($"promtool is not installed ({ex.Message}). Install Debian's prometheus package (sudo apt-get install -y prometheus; test.sh does this as root) or set RRR_PROMTOOL_PATH.");
            return;
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            var output = await stdout + await stderr;
            Assert.True(process.ExitCode == 0, $"promtool {string.Join(' ', args)} exited with {process.ExitCode}:\n{output}");
            Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex("[a-z_][a-z0-9_]*(?=[{\\s\\[)]|$)", RegexOptions.CultureInvariant)]
    private static partial Regex MetricName();

}
