using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Rrr.Sandbox.Identity;

/// <summary>Registers the portal as a confidential client with exactly the redirect URIs it was given.</summary>
internal sealed class ClientSeeder(IServiceProvider services, SandboxSettings settings) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var manager = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = settings.ClientId,
            ClientSecret = settings.ClientSecret,
            ClientType = ClientTypes.Confidential,
            DisplayName = "RRR Portal",
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile,
                Permissions.Scopes.Roles,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var uri in settings.RedirectUris)
        {
            descriptor.RedirectUris.Add(uri);
        }

        foreach (var uri in settings.PostLogoutRedirectUris)
        {
            descriptor.PostLogoutRedirectUris.Add(uri);
        }

        // Updated in place rather than deleted: the in-memory store cannot run OpenIddict's bulk delete.
        var existing = await manager.FindByClientIdAsync(settings.ClientId, cancellationToken);
        if (existing is null)
        {
            await manager.CreateAsync(descriptor, cancellationToken);
        }
        else
        {
            await manager.UpdateAsync(existing, descriptor, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
