namespace Rrr.Core;

/// <summary>
/// All of Core's registration, one commented section per feature. What Core cannot provide comes from the host:
/// the store (<c>AddPortalStore</c>: every persistence port and the <see cref="IRrrCallLog"/>), the circuit's
/// <see cref="IMemberIdentity"/> and <see cref="IAdminIdentity"/>, an <see cref="IXcnPaymentGateway"/> (none
/// until XCN registers its own; a simulated one in Development), and any development defaults.
/// Options: one class per section, <c>XxxOptions</c> with its <c>Section</c> name, validated at start-up where a
/// wrong value would only show later. Registrations use TryAdd, so a host or test can put its own first.
/// </summary>
public static class CoreServiceCollectionExtensions
{
    public static IServiceCollection AddRrrCore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);

        // --- RRR client: section "Rrr", one Refit client per resource group over one handler chain (Rrr/) ---
        services.AddRrrClient(configuration);

        // --- Events: the one app-wide bus (IPortalEvents) and each circuit's view of it (CircuitEvents) ---
        PortalEvents.AddTo(services);

        // --- Webhooks: the inbox processor (hosted) and its wake-up signal ---
        services.AddOptions<WebhookProcessorOptions>().BindConfiguration(WebhookProcessorOptions.Section);
        services.TryAddSingleton<WebhookProcessorSignal>();
        // Resolvable on its own too, so tests and tools can run a pass (RunOnceAsync) deterministically.
        services.TryAddSingleton<WebhookProcessor>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookProcessor>());

        // --- Members, Links, Wallet, SSO: scoped, one per circuit like the identity they start from ---
        services.AddRrrMembers();

        // --- Wallet sync: after a wallet webhook, one RRR read for all the panels that show that member (hosted) ---
        services.TryAddSingleton<WalletSync>();
        services.AddHostedService(sp => sp.GetRequiredService<WalletSync>());

        // --- Earn: the outbox intake, the admin service and the hosted dispatcher; orders of buyers not linked yet are
        // held (HeldEarnings), released when they link (hosted listener) and shown on the member's panel (scoped) ---
        services.AddOptions<EarnOptions>().BindConfiguration(EarnOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EarnOptions>, EarnOptionsValidator>());
        services.TryAddSingleton<EarnSignal>();
        services.TryAddSingleton<EarnIntake>();
        services.TryAddSingleton<EarnAdmin>();
        services.TryAddSingleton<HeldEarnings>();
        services.TryAddSingleton<HeldEarnRelease>();
        services.AddHostedService(sp => sp.GetRequiredService<HeldEarnRelease>());
        services.TryAddScoped<MemberHeldPoints>();
        // Resolvable on its own too, so tests and tools can run a pass (RunOnceAsync) deterministically.
        services.TryAddSingleton<EarnDispatcher>();
        services.AddHostedService<EarnDispatcherHost>();

        // --- Awards: model awards, their rules (section "Awards") and the room directory (section "XcnRooms";
        // production registers XCN's own first). The shared viewer link hints drop a viewer's hint on LINK_UPDATED; the
        // settlement (hosted) settles award history from TRANSFER_COMPLETED / TRANSFER_REVERSED. ---
        services.AddOptions<AwardOptions>().Bind(configuration.GetSection(AwardOptions.Section))
            .Validate(o => o.MaxPoints >= 1, "Awards:MaxPoints must be at least 1.")
            .Validate(o => o.Presets.TrueForAll(p => p >= 1 && p <= o.MaxPoints), "Awards:Presets must lie between 1 and Awards:MaxPoints.")
            .Validate(o => o.StreamBudget is null or >= 1, "Awards:StreamBudget must be at least 1 point when set.")
            .ValidateOnStart();
        services.AddOptions<XcnRoomOptions>().Bind(configuration.GetSection(XcnRoomOptions.Section));
        services.TryAddSingleton<ConfiguredXcnRoomDirectory>();
        services.TryAddSingleton<IXcnRoomDirectory>(sp => sp.GetRequiredService<ConfiguredXcnRoomDirectory>());
        services.TryAddSingleton<IXcnUserNames>(sp => sp.GetRequiredService<ConfiguredXcnRoomDirectory>());
        services.TryAddSingleton<IValidator<AwardRequest>, AwardRequestValidator>();
        services.TryAddSingleton<ViewerLinkHintCache>();
        services.TryAddScoped<ViewerLinkHintReader>();
        services.TryAddScoped<AwardService>();
        services.TryAddScoped<StreamAwards>();
        services.TryAddSingleton<AwardSettlement>();
        services.AddHostedService(sp => sp.GetRequiredService<AwardSettlement>());

        // --- Approvals: the maker-checker engine behind promotions and adjustments, and the chain key (section
        // "Approvals", validated at start-up; outside Development it must be set, and never to the published key) ---
        services.AddOptions<ApprovalOptions>().BindConfiguration(ApprovalOptions.Section);
        services.AddOptions<ApprovalChainOptions>().BindConfiguration(ApprovalOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApprovalChainOptions>, ApprovalChainOptionsValidator>());
        services.TryAddSingleton<ApprovalChainKeys>();
        services.TryAddSingleton<ApprovalEngine>();

        // --- Adjustments: the admin service, the RRR posting and the listener for ADJUSTMENT_STATUS_CHANGED ---
        services.TryAddSingleton<IValidator<AdjustmentForm>, AdjustmentFormValidator>();
        services.TryAddSingleton<AdjustmentPosting>();
        services.AddHostedService<RrrStatusListener<AdjustmentPosting>>();
        services.TryAddScoped<AdjustmentService>();

        // --- Promotions: the admin service, the sync and the listener for PROMOTION_STATUS_CHANGED ---
        services.TryAddSingleton<PromotionFormValidator>();
        services.TryAddSingleton<IValidator<PromotionForm>>(sp => sp.GetRequiredService<PromotionFormValidator>());
        services.TryAddSingleton<PromotionSync>();
        services.AddHostedService<RrrStatusListener<PromotionSync>>();
        services.TryAddScoped<PromotionService>();

        // --- Notifications: every RRR event that concerns a member, stored and announced (hosted writer), the member's
        // inbox service, the retention purge and the daily expiry reminders (section "Notifications") ---
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.Section)
            .Validate(o => o.IsValid, "Notifications: Retention, PurgeInterval, ExpiryLead and ReminderInterval must be positive, ReminderStartDelay not negative.")
            .ValidateOnStart();
        services.TryAddSingleton<NotificationWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<NotificationWriter>());
        services.AddHostedService<NotificationPurge>();
        services.TryAddSingleton<ExpiryReminders>();
        services.AddOptions<XcnAdminOptions>().BindConfiguration(XcnAdminOptions.Section);
        services.TryAddSingleton<IXcnAdminDirectory, ConfiguredXcnAdminDirectory>();
        services.TryAddSingleton<ApprovalNotifier>();
        services.AddHostedService(sp => sp.GetRequiredService<ApprovalNotifier>());
        services.AddHostedService<ExpiryReminderJob>();
        services.TryAddScoped<NotificationService>();

        // --- Checkout: options (section "Checkout"), the per-order locks and the checkout service ---
        services.AddOptions<CheckoutOptions>().BindConfiguration(CheckoutOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CheckoutOptions>, CheckoutOptionsValidator>());
        services.TryAddSingleton<CheckoutLocks>();
        services.TryAddScoped<CheckoutService>();
        return services;
    }

    /// <summary>
    /// The member-facing services: links, wallet, SSO and the member's action limits. Needs an
    /// <see cref="IMemberIdentity"/>, the RRR client and the link and wallet snapshot stores.
    /// </summary>
    public static IServiceCollection AddRrrMembers(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);

        // Members: who is signed in, and how often they may act.
        services.AddOptions<MemberActionLimits>();
        services.TryAddSingleton<MemberActionLimiter>();
        services.TryAddScoped<CurrentMemberService>();

        // Links: status and the link wizard.
        services.TryAddScoped<LinkStatusService>();
        services.TryAddScoped<LinkWizardService>();

        // Live updates: the circuit's one view of the bus, shared by the points panel and the app bar.
        PortalEvents.AddTo(services);

        // Wallet and SSO.
        services.TryAddScoped<WalletService>();
        services.TryAddScoped<SsoLaunchService>();
        return services;
    }
}
