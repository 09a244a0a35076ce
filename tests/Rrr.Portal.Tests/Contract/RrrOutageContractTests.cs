using Rrr.Core.Rrr.Http;
using Rrr.Core.Rrr.Wallet;

namespace Rrr.Portal.Tests.Contract;

/// <summary>Its own sandbox and client: an outage opens the shared circuit breaker, which must not leak into other tests.</summary>
public sealed class RrrOutageContractTests(ContractSandbox rrr) : IClassFixture<ContractSandbox>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Outage_SurfacesAsUnavailable_NotAsAProblem()
    {
        await rrr.SetFaultsAsync(new { outage = true });
        try
        {
            var ex = await Assert.ThrowsAsync<RrrUnavailableException>(
                () => rrr.Api<IRrrWalletApi>().GetWalletAsync("rrr_m_1001", Ct));

            Assert.Equal(503, ex.Problem?.Status);
        }
        finally
        {
            await rrr.SetFaultsAsync(new { });
        }
    }
}
