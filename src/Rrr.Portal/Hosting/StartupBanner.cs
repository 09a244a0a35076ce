using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Rrr.Sandbox.Identity;

namespace Rrr.Portal.Hosting;

/// <summary>Tells a developer where the portal is and which demo accounts exist. Console only, not the log.</summary>
internal sealed class StartupBanner(
    IHostApplicationLifetime lifetime,
    IServer server,
    IOptions<SandboxHostOptions> sandbox,
    IHostEnvironment environment) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Print);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Print()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var output = Console.Out;
        output.WriteLine();
        output.WriteLine("RRR Portal is running:");
        foreach (var address in addresses)
        {
            output.WriteLine($"  {address}");
        }

        if (!DevelopmentOnly.SandboxDefaultsApply(environment, sandbox))
        {
            return;
        }

        output.WriteLine($"RRR sandbox (dev sign-in, RRR stand-in): {sandbox.Value.Url}");
        output.WriteLine("Demo accounts (pick one on the sandbox sign-in page, no password):");
        foreach (var account in DemoAccounts.All)
        {
            output.WriteLine($"  {account.UserName,-6} {account.Role,-10} {account.Description}");
        }

        output.WriteLine();
    }
}
