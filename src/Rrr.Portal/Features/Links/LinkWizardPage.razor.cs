using Microsoft.Extensions.Localization;

namespace Rrr.Portal.Features.Links;

/// <summary>
/// The account linking wizard: start → enter the 6-digit code from the RedRoomRewards inbox → linked. All the
/// rules live in <see cref="LinkWizardService"/>; the page keeps only what the member typed and one attempt id
/// per run, so a double click or a retry after an outage is one intent at RRR.
/// </summary>
public sealed partial class LinkWizardPage : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private bool? _enabled;
    private LinkWizardState? _state;
    private bool _busy;
    private string _attemptId = NewAttemptId();
    private string? _memberNumber;
    private string? _code;
    private IReadOnlyDictionary<string, string>? _fieldErrors;

    [Inject] private LinkWizardService Wizard { get; set; } = default!;

    [Inject] private IFeatureManager Features { get; set; } = default!;

    [Inject] private IOptions<SandboxHostOptions> Sandbox { get; set; } = default!;

    [Inject] private IWebHostEnvironment Environment { get; set; } = default!;

    [Inject] private IStringLocalizer<LinkWizardText> RuleText { get; set; } = default!;

    private int StepIndex => _state?.Step switch
    {
        LinkWizardStep.EnterCode => 1,
        LinkWizardStep.Linked => 2,
        _ => 0,
    };

    /// <summary>The sandbox's stand-in for the RRR inbox, offered in Development only (real members use RRR's own inbox).</summary>
    private Uri? InboxUrl => Environment.IsDevelopment() && Sandbox.Value.Enabled && _state is not null
        ? new Uri(Sandbox.Value.Url, "inbox?member=" + Uri.EscapeDataString(_state.Link.XcnUserId))
        : null;

    protected override async Task OnInitializedAsync()
    {
        _enabled = await Features.IsEnabledAsync(PortalFeatures.AccountLinking);

        // Prerendering shows the loading bar; the circuit asks RRR (once, not twice).
        if (_enabled != true || !RendererInfo.IsInteractive)
        {
            return;
        }

        await RunAsync(Wizard.LoadAsync);
    }

    private Task StartAsync() => RunAsync(ct => Wizard.StartAsync(_attemptId, _memberNumber, ct), isStart: true);

    private Task StartAgainAsync()
    {
        _code = null;
        return StartAsync();
    }

    private async Task ConfirmAsync()
    {
        // Checked here too, so a mistyped code costs no try at RRR; the service checks again regardless.
        if (LinkWizardRules.ValidateCode(_code, RuleText) is { } error)
        {
            _fieldErrors = new Dictionary<string, string> { [LinkWizardRules.CodeField] = error };
            return;
        }

        await RunAsync(ct => Wizard.ConfirmAsync(_code, ct));
        if (_state is { Problem: LinkWizardProblem.WrongCode })
        {
            _code = null;
        }
    }

    private async Task RunAsync(Func<CancellationToken, Task<LinkWizardState>> step, bool isStart = false)
    {
        if (_busy)
        {
            return;
        }

        _busy = true;
        _fieldErrors = null;
        StateHasChanged();
        try
        {
            var state = await step(_cts.Token);

            // Only an outage keeps the attempt: trying again must replay it at RRR. Any answer ends this run.
            // (Invalid input and the rate limit never reached RRR, so there is no answer yet either.)
            if (isStart && state.Problem is not (LinkWizardProblem.RrrUnavailable or LinkWizardProblem.InvalidInput or LinkWizardProblem.TooManyTries))
            {
                _attemptId = NewAttemptId();
            }

            Apply(state);
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
        }
        finally
        {
            _busy = false;
        }
    }

    private void Apply(LinkWizardState state)
    {
        if (state.Step != LinkWizardStep.EnterCode)
        {
            _code = null;
        }

        if (state.Step == LinkWizardStep.Start && _state?.Step != LinkWizardStep.Start)
        {
            _attemptId = NewAttemptId();
        }

        _state = state;
        _fieldErrors = state.FieldErrors;
    }

    // The service decides the step; clicking a step header must not skip the code.
    private static Task KeepStepsWithTheService(MudBlazor.StepperInteractionEventArgs args)
    {
        args.Cancel = true;
        return Task.CompletedTask;
    }

    private string? FieldError(string field) => _fieldErrors is not null && _fieldErrors.TryGetValue(field, out var error) ? error : null;

    private static string NewAttemptId() => Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
    }
}
