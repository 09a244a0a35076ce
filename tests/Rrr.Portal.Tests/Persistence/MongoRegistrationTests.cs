using Microsoft.Extensions.DependencyInjection;
using Rrr.Core.Persistence;
using Rrr.Persistence.Mongo;

namespace Rrr.Portal.Tests.Persistence;

/// <summary>The Mongo adapter's registration, without a server: the client connects only when a port is used.</summary>
public sealed class MongoRegistrationTests
{
    [Fact]
    public async Task AddMongoStore_RegistersEveryPort_EachOverTheOneDatabaseContext()
    {
        var services = new ServiceCollection();
        services.AddOptions<StoreOptions>().Configure(o => (o.MongoConnectionString, o.MongoDatabase) = ("mongodb://localhost:1", "portal"));
        services.AddMongoStore();
        await using var provider = services.BuildServiceProvider();

        var ports = StorePorts.All.Select(port => (Port: port, Instance: provider.GetRequiredKeyedService(port, StoreProvider.Mongo))).ToList();

        Assert.All(ports, p => Assert.IsAssignableFrom(p.Port, p.Instance));
        Assert.Same(provider.GetRequiredService<MongoDatabaseContext>(), provider.GetRequiredKeyedService<IStoreLifecycle>(StoreProvider.Mongo));
        Assert.Equal(StorePorts.All.Count, ports.Select(p => p.Instance).Distinct().Count());
    }
}
