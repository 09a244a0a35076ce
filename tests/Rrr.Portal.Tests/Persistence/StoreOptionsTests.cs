using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Rrr.Core.Persistence;
using Rrr.Portal.Hosting;

namespace Rrr.Portal.Tests.Persistence;

public sealed class StoreOptionsTests
{
    [Fact]
    public void Options_WithoutConfiguration_DefaultToSqliteInTheDataFolder()
    {
        var options = Resolve([]);

        Assert.Equal(StoreProvider.Sqlite, options.Provider);
        Assert.Equal("data", options.DataFolder);
        Assert.Equal("portal.db", options.SqliteFileName);
        Assert.Equal("rrr_portal", options.MongoDatabase);
        Assert.Null(options.MongoConnectionString);
    }

    [Fact]
    public void Options_BindFromTheStoreSection()
    {
        var options = Resolve(new()
        {
            ["Store:Provider"] = "mongo",
            ["Store:MongoConnectionString"] = "mongodb://localhost:27017",
            ["Store:MongoDatabase"] = "portal_prod",
        });

        Assert.Equal(StoreProvider.Mongo, options.Provider);
        Assert.Equal("mongodb://localhost:27017", options.MongoConnectionString);
        Assert.Equal("portal_prod", options.MongoDatabase);
    }

    [Fact]
    public void Options_MongoWithoutConnectionString_AreRefusedNamingTheSetting()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Store:Provider"] = "Mongo" }));

        Assert.Contains("Store:MongoConnectionString is required when Store:Provider is Mongo", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_SqliteWithEmptyFileName_AreRefusedNamingTheSetting()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Store:SqliteFileName"] = " " }));

        Assert.Contains("Store:SqliteFileName is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveDataFolder_RelativePath_ResolvesAgainstTheContentRoot()
    {
        var contentRoot = Path.Combine(Path.GetTempPath(), "portal-root");
        var options = new StoreOptions { DataFolder = "data" };

        Assert.Equal(Path.Combine(contentRoot, "data"), options.ResolveDataFolder(contentRoot));
    }

    [Fact]
    public void ResolveDataFolder_AbsolutePath_IsKept()
    {
        var absolute = Path.Combine(Path.GetTempPath(), "elsewhere", "data");
        var options = new StoreOptions { DataFolder = absolute };

        Assert.Equal(absolute, options.ResolveDataFolder(Path.Combine(Path.GetTempPath(), "portal-root")));
    }

    private static StoreOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddPortalStore(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<StoreOptions>>().Value;
    }
}
