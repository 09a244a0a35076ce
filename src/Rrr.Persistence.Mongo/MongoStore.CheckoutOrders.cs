using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using Rrr.Core.Features.Checkout;

namespace Rrr.Persistence.Mongo;

/// <summary>
/// Checkout orders, one document per order number (<c>_id</c>). An update is one UpdateOne filtered on status
/// and version, atomic per document: the compare-and-set that keeps two instances from both moving an order.
/// </summary>
public sealed partial class MongoStore : ICheckoutOrderStore
{
    internal const string CheckoutOrdersCollection = "checkout_orders";

    private IMongoCollection<CheckoutOrderDocument> CheckoutOrders =>
        database.GetCollection<CheckoutOrderDocument>(CheckoutOrdersCollection);

    public async Task<bool> TryCreateCheckoutOrderAsync(CheckoutOrder order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        try
        {
            await CheckoutOrders.InsertOneAsync(CheckoutOrderDocument.From(order), cancellationToken: cancellationToken);
            return true;
        }
        catch (MongoWriteException ex) when (ex.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            return false;
        }
    }

    public async Task<CheckoutOrder?> GetCheckoutOrderAsync(string orderNumber, CancellationToken cancellationToken)
    {
        var document = await CheckoutOrders.Find(Builders<CheckoutOrderDocument>.Filter.Eq(d => d.Id, orderNumber))
            .FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : CheckoutOrderJson.Deserialize(document.Body);
    }

    public async Task<bool> TryUpdateCheckoutOrderAsync(CheckoutOrder expected, CheckoutOrder updated, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(updated);
        if (expected.OrderNumber != updated.OrderNumber || expected.XcnUserId != updated.XcnUserId || updated.Version != expected.Version + 1)
        {
            throw new ArgumentException("An update keeps the order number and owner and raises the version by one.", nameof(updated));
        }

        var filter = Builders<CheckoutOrderDocument>.Filter;
        var unchanged = filter.Eq(d => d.Id, expected.OrderNumber)
            & filter.Eq(d => d.Status, expected.Status.ToString())
            & filter.Eq(d => d.Version, expected.Version);
        var update = Builders<CheckoutOrderDocument>.Update
            .Set(d => d.Status, updated.Status.ToString())
            .Set(d => d.Version, updated.Version)
            .Set(d => d.Body, CheckoutOrderJson.Serialize(updated))
            .Set(d => d.UpdatedAt, BsonTime.From(updated.UpdatedAt));
        var result = await CheckoutOrders.UpdateOneAsync(unchanged, update, cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    public async Task<IReadOnlyList<CheckoutOrder>> ListCheckoutOrdersAsync(string xcnUserId, int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        var documents = await CheckoutOrders.Find(Builders<CheckoutOrderDocument>.Filter.Eq(d => d.XcnUserId, xcnUserId))
            .Sort(Builders<CheckoutOrderDocument>.Sort.Descending(d => d.CreatedAt).Descending(d => d.Id))
            .Limit(take)
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(d => CheckoutOrderJson.Deserialize(d.Body));
    }

    private async Task InitializeCheckoutOrdersAsync(CancellationToken cancellationToken) =>
        await CheckoutOrders.Indexes.CreateOneAsync(
            new CreateIndexModel<CheckoutOrderDocument>(
                Builders<CheckoutOrderDocument>.IndexKeys.Ascending(d => d.XcnUserId).Descending(d => d.CreatedAt),
                new CreateIndexOptions { Name = "ix_owner_created" }),
            cancellationToken: cancellationToken);
}

internal sealed class CheckoutOrderDocument
{
    /// <summary>The order number.</summary>
    [BsonId]
    public string Id { get; set; } = "";

    [BsonElement("xcn_user_id")]
    public string XcnUserId { get; set; } = "";

    [BsonElement("status")]
    public string Status { get; set; } = "";

    [BsonElement("version")]
    public long Version { get; set; }

    [BsonElement("body")]
    public string Body { get; set; } = "";

    [BsonElement("created_at")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime CreatedAt { get; set; }

    [BsonElement("updated_at")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime UpdatedAt { get; set; }

    public static CheckoutOrderDocument From(CheckoutOrder order) => new()
    {
        Id = order.OrderNumber,
        XcnUserId = order.XcnUserId,
        Status = order.Status.ToString(),
        Version = order.Version,
        Body = CheckoutOrderJson.Serialize(order),
        CreatedAt = BsonTime.From(order.CreatedAt),
        UpdatedAt = BsonTime.From(order.UpdatedAt),
    };
}
