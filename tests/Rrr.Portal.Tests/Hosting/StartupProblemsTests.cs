using System.Diagnostics;
using Microsoft.Extensions.Options;
using Rrr.Portal.Hosting;

namespace Rrr.Portal.Tests.Hosting;

public sealed class StartupProblemsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StagingWithTheSandboxEnabled_ThePortalProcessExits1_WithOneReadableListAndNoStackTrace()
    {
        var data = Path.Combine(Path.GetTempPath(), "rrr-portal-tests", Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Rrr.Portal.dll"));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Staging";
        start.Environment["DOTNET_ENVIRONMENT"] = "Staging";
        start.Environment["Sandbox__Enabled"] = "true";
        start.Environment["Store__DataFolder"] = data;
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var error = await stderr;
        var all = await stdout + error;
        Assert.Equal(1, process.ExitCode);
        Assert.Contains("Sandbox:Enabled → must be false outside Development (environment 'Staging')", error, StringComparison.Ordinal);
        // One list: the other refusals of a Staging start are in the same output, not one per attempt.
        Assert.Contains("Oidc:Authority → ", error, StringComparison.Ordinal);
        Assert.Contains("DataProtection:CertificatePath → ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", all, StringComparison.Ordinal);
    }

    [Fact]
    public void AggregatedValidationFailures_AreOneListOfSettingAndProblem()
    {
        var ex = new AggregateException(
            new OptionsValidationException("", typeof(object), ["Sandbox:Enabled must be false outside Development.", "Oidc:ClientId is required."]),
            new OptionsValidationException("", typeof(object), ["Webhooks:Secrets:0 is not a valid secret: bad base64"]));

        var failures = StartupProblems.SettingsFailures(ex);
        var text = StartupProblems.Format("Staging", failures);

        Assert.Equal(3, failures.Count);
        Assert.Contains("  Sandbox:Enabled → must be false outside Development.", text, StringComparison.Ordinal);
        Assert.Contains("  Oidc:ClientId → is required.", text, StringComparison.Ordinal);
        Assert.Contains("  Webhooks:Secrets:0 → is not a valid secret: bad base64", text, StringComparison.Ordinal);
        Assert.Contains("'Staging'", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AFailureThatIsNotAboutSettings_IsNotSwallowed()
    {
        var mixed = new AggregateException(
            new OptionsValidationException("", typeof(object), ["Oidc:ClientId is required."]),
            new InvalidOperationException("boom"));

        Assert.Empty(StartupProblems.SettingsFailures(mixed));
        Assert.Empty(StartupProblems.SettingsFailures(new InvalidOperationException("boom")));
    }

    [Fact]
    public void AWrappedValidationFailure_IsStillFound()
    {
        var wrapped = new InvalidOperationException("while resolving", new OptionsValidationException("", typeof(object), ["Rrr:ApiKey is required."]));

        Assert.Equal(["Rrr:ApiKey is required."], StartupProblems.SettingsFailures(wrapped));
    }
}
