namespace Rrr.Core.Rrr;

public static class RrrClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="RrrClientOptions"/> (section "Rrr", validated at start-up) and one Refit client
    /// per RRR resource group, each with the same handler chain. Needs an <see cref="IRrrCallLog"/>
    /// (AddPortalStore registers the store as one) and a <see cref="TimeProvider"/> (System if none).
    /// </summary>
    public static IServiceCollection AddRrrClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<RrrClientOptions>().Bind(configuration.GetSection(RrrClientOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RrrClientOptions>, RrrClientOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddTransient<RrrProblemHandler>();
        services.TryAddTransient<RrrAttemptHandler>();
        services.AddMetrics();
        services.TryAddSingleton<RrrClientMetrics>();
        RrrResilience.AddSharedCircuitBreaker(services);

        AddApi<IRrrLinksApi>(services);
        AddApi<IRrrWalletApi>(services);
        AddApi<IRrrEarnApi>(services);
        AddApi<IRrrRedemptionsApi>(services);
        AddApi<IRrrTopupsApi>(services);
        AddApi<IRrrAwardsApi>(services);
        AddApi<IRrrPromotionsApi>(services);
        AddApi<IRrrAdjustmentsApi>(services);
        AddApi<IRrrSsoApi>(services);
        return services;
    }

    // Refit 16's AddRefitClient needs the opt-in reflection request builder (Refit.Reflection); every
    // method here generates inline, so the source-generated client is used: no reflection, same pipeline.
    private static void AddApi<TApi>(IServiceCollection services)
        where TApi : class =>
        services.AddRefitGeneratedClient<TApi>(_ => RrrRefit.Settings).AddRrrPipeline();

    /// <summary>
    /// Base address and handler chain of an RRR HttpClient. Handler order, outermost first:
    /// problem mapping (sees only the final outcome, so a retried 503 is mapped once, after the retries) →
    /// resilience (total timeout, retry, shared breaker, attempt timeout) →
    /// attempt (innermost, per attempt: refuses an unkeyed POST/PATCH before anything is sent, sets the headers,
    /// then times the network attempt and records exactly what was sent) → the primary handler.
    /// </summary>
    internal static IHttpClientBuilder AddRrrPipeline(this IHttpClientBuilder client)
    {
        client.ConfigureHttpClient((sp, http) =>
        {
            http.BaseAddress = sp.GetRequiredService<IOptions<RrrClientOptions>>().Value.BaseUrl;

            // The pipeline's total timeout governs; HttpClient's own would cut it short.
            http.Timeout = Timeout.InfiniteTimeSpan;
        });
        client.AddHttpMessageHandler<RrrProblemHandler>();
        client.AddResilienceHandler(RrrResilience.PipelineName, RrrResilience.Configure);
        client.AddHttpMessageHandler<RrrAttemptHandler>();
        return client;
    }
}
