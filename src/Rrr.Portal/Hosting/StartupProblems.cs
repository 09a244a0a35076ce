using System.Reflection;
using System.Text.RegularExpressions;

namespace Rrr.Portal.Hosting;

/// <summary>
/// Runs the portal; when its settings fail validation, prints one readable list (setting → what is wrong)
/// to stderr and returns exit code 1, with no stack trace: an operator fixes settings, not code.
/// Anything that is not a settings problem is rethrown untouched.
/// </summary>
public static partial class StartupProblems
{
    public static int Run(WebApplicationBuilder builder, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            builder.AddPortal();
            var app = builder.Build();

            // The host would validate too, but it logs the failure with a stack trace before rethrowing;
            // validating first keeps the operator's screen to the list.
            app.Services.GetService<IStartupValidator>()?.Validate();
            app.UsePortal();
            app.Run();
            return 0;
        }
        catch (Exception ex) when (IsTheProcess && SettingsFailures(ex) is { Count: > 0 } failures)
        {
            error.Write(Format(builder.Environment.EnvironmentName, failures));
            error.Flush();
            return 1;
        }
    }

    /// <summary>
    /// The portal is the process (dotnet Rrr.Portal.dll), not hosted by a test's WebApplicationFactory:
    /// only then is an exit code the answer; a hosting caller gets the exception, as before.
    /// </summary>
    private static bool IsTheProcess => Assembly.GetEntryAssembly() == typeof(StartupProblems).Assembly;

    /// <summary>The list as printed: a heading, then one "setting → problem" line per failure.</summary>
    public static string Format(string environmentName, IReadOnlyList<string> failures)
    {
        ArgumentNullException.ThrowIfNull(failures);
        var lines = new List<string>
        {
            $"The RRR portal cannot start (environment '{environmentName}'): {failures.Count} setting problem(s).",
        };
        lines.AddRange(failures.Select(f => "  " + Line(f)));
        lines.Add("Fix these settings (appsettings, environment variables such as Sandbox__Enabled, or the command line) and start again.");
        return string.Join(Environment.NewLine, lines) + Environment.NewLine;
    }

    /// <summary>
    /// Every failure message when <paramref name="exception"/> is made only of options validation failures
    /// (one, or several aggregated, possibly wrapped); otherwise empty, so the caller rethrows.
    /// </summary>
    public static IReadOnlyList<string> SettingsFailures(Exception exception)
    {
        var failures = new List<string>();
        return Collect(exception, failures) ? failures.Distinct(StringComparer.Ordinal).ToList() : [];
    }

    private static bool Collect(Exception exception, List<string> failures)
    {
        switch (exception)
        {
            case OptionsValidationException validation:
                failures.AddRange(validation.Failures.Select(f => f.Trim()).Where(f => f.Length > 0).DefaultIfEmpty(validation.Message)
                    .Select(f => StartsWithSetting().IsMatch(f) ? f : $"{validation.OptionsType.Name}: {f}"));
                return true;
            case AggregateException aggregate:
                return aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(e => Collect(e, failures));
            default:
                return exception.InnerException is { } inner && Collect(inner, failures);
        }
    }

    private static string Line(string failure)
    {
        var match = StartsWithSetting().Match(failure);
        return match.Success ? $"{match.Groups["setting"].Value} → {match.Groups["problem"].Value}" : failure;
    }

    // "Sandbox:Enabled must be false ..." → setting "Sandbox:Enabled", problem "must be false ...".
    [GeneratedRegex(@"^(?<setting>[A-Za-z][\w]*(?::[\w]+)+):?\s+(?<problem>.+)$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex StartsWithSetting();
}
