using Bunit;
using FluentValidation;
using Microsoft.AspNetCore.Components;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MudBlazor;
using Rrr.Core.Features;
using Rrr.Core.Features.Adjustments;
using Rrr.Core.Features.Approvals;
using Rrr.Core.Rrr;
using Rrr.Core.Rrr.Adjustments;
using Rrr.Persistence.Sqlite;
using Rrr.Portal.Features.Adjustments;
using Rrr.Portal.Hosting;
using Rrr.Portal.Tests.Features.Links;
using Rrr.Portal.Tests.Support;

namespace Rrr.Portal.Tests.Features.Adjustments;

/// <summary>The edit dialog over the real <see cref="AdjustmentService"/> and engine on a real SQLite store; RRR's link lookup is a fake.</summary>
public sealed class AdjustmentEditDialogTests : PortalComponentTest, IAsyncLifetime
{
    private const string Ada = "xcn_u_9001";
    private const string Grace = "xcn_u_9002";

    private readonly string root = Path.Combine(Path.GetTempPath(), "rrr-adjustment-dialog-tests", Guid.NewGuid().ToString("N"));
    private readonly Admin admin = new() { Id = Ada };
    private readonly FakeLinkFlowApi links = new();
    private SqlitePorts store = null!;
    private readonly ApprovalChainKeys chainKeys = Support.TestChainKeys.Create();
    private ApprovalEngine engine = null!;
    private AdjustmentService service = null!;
    private IRenderedComponent<MudDialogProvider> provider = null!;
    private IDialogReference? dialog;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        store = SqlitePorts.Open(root, "portal.db");
        await store.InitializeAsync(Ct);
        links.Link("xcn_u_1001", "rrr_m_1001");
        engine = new ApprovalEngine(store.Approvals, TimeProvider.System, Options.Create(new ApprovalOptions()), NullLogger<ApprovalEngine>.Instance, chainKeys, new global::Rrr.Core.Features.PortalEvents(NullLogger<global::Rrr.Core.Features.PortalEvents>.Instance));
        var updates = new PortalEvents(NullLogger<PortalEvents>.Instance);
        var posting = new AdjustmentPosting(store.Approvals, new UnusedAdjustmentsApi(), store.Audit, updates, TimeProvider.System, NullLogger<AdjustmentPosting>.Instance, chainKeys);
        service = new AdjustmentService(engine, posting, links, store.Audit, admin, new AdjustmentFormValidator(TestLocalizer.For<AdjustmentFormValidator>()), updates, TimeProvider.System);
        Services.AddSingleton(service);
        Services.AddSingleton<IValidator<AdjustmentForm>>(new AdjustmentFormValidator(TestLocalizer.For<AdjustmentFormValidator>()));
        // The page's live updates and MudBlazor's own texts, as the app registers them.
        Services.AddSingleton<IPortalEvents>(updates);
        Services.AddScoped<CircuitEvents>();
        Services.AddTransient<MudLocalizer, PortalMudLocalizer>();
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        provider = Render<MudDialogProvider>();
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        store.Dispose();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Opens_FilledInWithTheRequest_MemberFixed_AndItsPolicy()
    {
        var request = await RequestAsync(50);

        await OpenAsync(request);

        Assert.Equal("xcn_u_1001", MemberInput.GetAttribute("value"));
        Assert.True(MemberInput.HasAttribute("readonly"));
        Assert.Equal("50", PointsInput.GetAttribute("value"));
        Assert.Equal("TCK-50", provider.Find("[data-testid=field-ticket] input").GetAttribute("value"));
        Assert.Equal("Service recovery", provider.Find("[data-testid=field-reason] [role=combobox]").TextContent.Trim());
        Assert.Contains("50 points needs 1 XCN admin.", Policy(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InSpanish_ThePageListsTheRequest_AndTheFormSpeaksSpanish_ValidationIncluded()
    {
        await RequestAsync(1250);
        admin.Id = Grace;
        UseCulture("es");

        var page = Render<AdjustmentsPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=adjustment-progress]")));
        Assert.Contains("Solicitar un ajuste", page.Markup, StringComparison.Ordinal);
        Assert.Contains("+1.250", page.Find("tbody").TextContent, StringComparison.Ordinal);
        Assert.Contains("Compensación por el servicio", page.Find("tbody").TextContent, StringComparison.Ordinal);
        Assert.Equal("Esperando la aprobación de XCN", page.Find("[data-testid=adjustment-status]").TextContent.Trim());
        Assert.Equal("0 de 2 aprobaciones de XCN · falta la aprobación de RRR", page.Find("[data-testid=adjustment-progress]").TextContent);
        Assert.Equal("Necesita 2 administradores distintos de XCN + 1 administrador de RRR", page.Find("[data-testid=adjustment-needs]").TextContent);
        Assert.NotNull(page.Find("button[aria-label='Aprobar +1.250 puntos para xcn_u_1001 (TCK-1250)']"));

        page.Find("[data-testid=field-points] input").Input("-2000000");
        page.Find("[data-testid=adjustment-submit]").Click();

        page.WaitForAssertion(() => Assert.Contains("Elige un motivo.", page.Find("[data-testid=field-reason]").TextContent, StringComparison.Ordinal));
        Assert.Contains("Como máximo 1.000.000 puntos en cualquier sentido.", page.Find("[data-testid=field-points]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Escribe el id. de usuario XCN del miembro.", page.Find("[data-testid=field-member]").TextContent, StringComparison.Ordinal);
        Assert.Contains("2.000.000 puntos necesitan", Normalize(page.Find("[data-testid=adjustment-policy]").TextContent), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InSpanish_ARefusalFromTheServiceIsInSpanish()
    {
        admin.Id = Grace;
        UseCulture("es");
        var page = Render<AdjustmentsPage>();
        page.WaitForElement("[data-testid=no-adjustments]");

        page.Find("[data-testid=field-member] input").Input("xcn_u_7777");
        page.Find("[data-testid=field-points] input").Input("40");
        page.Find("[data-testid=field-ticket] input").Input("TCK-7");
        await page.InvokeAsync(() => page.FindComponent<MudSelect<AdjustmentReason?>>().Instance.SelectOption(AdjustmentReason.Goodwill));
        page.Find("[data-testid=adjustment-submit]").Click();

        page.WaitForAssertion(() => Assert.Equal(
            "xcn_u_7777 no está vinculado a una cuenta de RRR, así que RRR no tiene puntos que ajustar. Primero, el miembro debe vincularla desde su propia página del portal.",
            page.Find("[data-testid=adjustment-form-error]").TextContent.Trim()));
    }

    [Fact]
    public async Task Policy_FollowsThePointsAsTheyAreTyped()
    {
        await OpenAsync(await RequestAsync(50));

        PointsInput.Input("300");
        provider.WaitForAssertion(() => Assert.Contains("300 points needs 2 distinct XCN admins.", Policy(), StringComparison.Ordinal));
        PointsInput.Input("800");
        provider.WaitForAssertion(() => Assert.Contains("2 distinct XCN admins + 1 RRR admin", Policy(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task BadFields_ShowTheirMessagesAtTheFields_AndNothingIsSaved()
    {
        var request = await RequestAsync(50);
        await OpenAsync(request);

        PointsInput.Input("0");
        provider.Find("[data-testid=field-ticket] input").Input("no spaces allowed");
        Save();

        provider.WaitForAssertion(() => Assert.Contains("Points must not be 0", provider.Find("[data-testid=field-points]").TextContent, StringComparison.Ordinal));
        Assert.Contains("A ticket id has letters", provider.Find("[data-testid=field-ticket]").TextContent, StringComparison.Ordinal);
        Assert.Equal("no spaces allowed", provider.Find("[data-testid=field-ticket] input").GetAttribute("value"));
        Assert.False(dialog!.Result.IsCompleted);
        Assert.Equal(1, (await engine.GetAsync(request.Id, Ct)).Request.PayloadVersion);
    }

    [Fact]
    public async Task Save_EditsTheRequest_AndClosesWithApprovalsResetAndTheNewPolicy()
    {
        var request = await RequestAsync(50);
        await OpenAsync(request);

        PointsInput.Input("300");
        Save();

        var result = await dialog!.Result.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var edited = Assert.IsType<AdjustmentView>(result!.Data);
        Assert.Equal((2L, 300L), (edited.Approval.Request.PayloadVersion, edited.Payload.Points));
        Assert.Equal("0 of 2 XCN approvals", edited.Progress);
        Assert.Equal("2 distinct XCN admins", edited.Policy.Describe());
    }

    [Fact]
    public async Task Save_AfterAnotherAdminApprovedMeanwhile_SaysSo_AndKeepsTheInput()
    {
        var request = await RequestAsync(50);
        await OpenAsync(request);
        await engine.ApproveAsync(request.Id, Grace, 1, Ct);

        PointsInput.Input("75");
        Save();

        provider.WaitForAssertion(() => Assert.Contains(
            "approved or rejected while you were editing", provider.Find("[data-testid=adjustment-form-error]").TextContent, StringComparison.Ordinal));
        Assert.Equal("75", PointsInput.GetAttribute("value"));
        Assert.False(dialog!.Result.IsCompleted);
    }

    [Fact]
    public async Task Save_BySomeoneOtherThanTheMaker_IsRefusedWithAClearMessage()
    {
        var request = await RequestAsync(50);
        admin.Id = Grace;
        await OpenAsync(request);

        PointsInput.Input("60");
        Save();

        provider.WaitForAssertion(() => Assert.Contains(
            "Only the admin who made this request can edit it", provider.Find("[data-testid=adjustment-form-error]").TextContent, StringComparison.Ordinal));
        Assert.Equal(1, (await engine.GetAsync(request.Id, Ct)).Request.PayloadVersion);
    }

    [Fact]
    public async Task EditButton_IsOfferedToTheMakerOnly_WhileWaitingForXcnApproval()
    {
        var request = await RequestAsync(50);
        AdjustmentView? clicked = null;

        var asMaker = Render<AdjustmentActions>(p => p.Add(a => a.View, request).Add(a => a.AdminId, Ada).Add(a => a.OnEdit, (AdjustmentView v) => clicked = v));
        var asChecker = Render<AdjustmentActions>(p => p.Add(a => a.View, request).Add(a => a.AdminId, Grace));
        asMaker.Find("[data-testid=adjustment-edit]").Click();
        await engine.ApproveAsync(request.Id, Grace, 1, Ct);
        admin.Id = Ada;
        var decided = Assert.Single(await service.ListAsync(Ct).Ok(), v => v.Id == request.Id);
        var afterDecision = Render<AdjustmentActions>(p => p.Add(a => a.View, decided).Add(a => a.AdminId, Ada));

        Assert.Same(request, clicked);
        Assert.Empty(asChecker.FindAll("[data-testid=adjustment-edit]"));
        Assert.NotEmpty(asChecker.FindAll("button[aria-label^='Approve']"));
        Assert.Empty(afterDecision.FindAll("[data-testid=adjustment-edit]"));
    }

    private AngleSharp.Dom.IElement MemberInput => provider.Find("[data-testid=field-member] input");

    private AngleSharp.Dom.IElement PointsInput => provider.Find("[data-testid=field-points] input");

    private string Policy() =>
        string.Join(' ', provider.Find("[data-testid=adjustment-policy]").TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static string Normalize(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private void Save() => provider.Find("[data-testid=adjustment-submit]").Click();

    private async Task<AdjustmentView> RequestAsync(long points)
    {
        var previous = admin.Id;
        admin.Id = Ada;
        var view = await service.RequestAsync(
            new AdjustmentForm("xcn_u_1001", points, AdjustmentReason.ServiceRecovery, "TCK-" + points.ToString(System.Globalization.CultureInfo.InvariantCulture)), Ct).Ok();
        admin.Id = previous;
        return view;
    }

    private async Task OpenAsync(AdjustmentView view)
    {
        var parameters = new DialogParameters<AdjustmentEditDialog> { { d => d.View, view } };
        dialog = await provider.InvokeAsync(() => Services.GetRequiredService<IDialogService>().ShowAsync<AdjustmentEditDialog>("Edit adjustment request", parameters));
        provider.WaitForElement("[data-testid=adjustment-edit-dialog]");
    }

    private sealed class Admin : IAdminIdentity
    {
        public string? Id { get; set; }

        public Task<string?> GetAdminIdAsync(CancellationToken cancellationToken) => Task.FromResult(Id);
    }

    /// <summary>Editing never posts; a call here would be a bug.</summary>
    private sealed class UnusedAdjustmentsApi : IRrrAdjustmentsApi
    {
        public Task<Adjustment> CreateAsync(CreateAdjustmentRequest request, string idempotencyKey, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<Adjustment> DecideAsync(string adjustmentId, ApprovalDecisionRequest request, string idempotencyKey, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<Adjustment> GetAsync(string adjustmentId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<AdjustmentList> ListAsync(AdjustmentStatus? status = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
