namespace Rrr.Persistence.Mongo;

/// <summary>
/// Checkout orders, one document per order number (<c>_id</c>). An update is one UpdateOne filtered on status
/// and version, atomic per document: the compare-and-set that keeps two instances from both moving an order.
/// </summary>
public sealed class MongoCheckoutOrders(MongoDatabaseContext context) : ICheckoutOrderStore
{
    /// <summary>The owner's list, newest first: the index ends in the whole sort (created_at, _id descending).</summary>
    internal static PortCollection<CheckoutOrderDocument> Collection { get; } = new(
        "checkout_orders",
        index => [index.Ascending(d => d.XcnUserId).Descending(d => d.CreatedAt).Descending(d => d.Id).Named("ix_owner_created_id")],
        "ix_owner_created");

    private static FilterDefinitionBuilder<CheckoutOrderDocument> Filter => Builders<CheckoutOrderDocument>.Filter;

    private IMongoCollection<CheckoutOrderDocument> Orders => Collection.In(context);

    public Task<bool> TryCreateCheckoutOrderAsync(CheckoutOrder order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        return InsertOnce.TryAsync(Orders, CheckoutOrderDocument.From(order), cancellationToken);
    }

    public async Task<CheckoutOrder?> GetCheckoutOrderAsync(string orderNumber, CancellationToken cancellationToken)
    {
        var document = await Orders.Find(Filter.Eq(d => d.Id, orderNumber)).FirstOrDefaultAsync(cancellationToken);
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

        var unchanged = Filter.Eq(d => d.Id, expected.OrderNumber)
            & Filter.Eq(d => d.Status, expected.Status.ToString())
            & Filter.Eq(d => d.Version, expected.Version);
        var update = Builders<CheckoutOrderDocument>.Update
            .Set(d => d.Status, updated.Status.ToString())
            .Set(d => d.Version, updated.Version)
            .Set(d => d.Body, CheckoutOrderJson.Serialize(updated))
            .Set(d => d.UpdatedAt, BsonTime.From(updated.UpdatedAt));
        var result = await Orders.UpdateOneAsync(unchanged, update, cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    public async Task<IReadOnlyList<CheckoutOrder>> ListCheckoutOrdersAsync(string xcnUserId, int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        var documents = await Orders.Find(Filter.Eq(d => d.XcnUserId, xcnUserId))
            .Sort(Builders<CheckoutOrderDocument>.Sort.Descending(d => d.CreatedAt).Descending(d => d.Id))
            .Limit(take)
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(d => CheckoutOrderJson.Deserialize(d.Body));
    }
}

internal sealed class CheckoutOrderDocument
{
    /// <summary>The order number.</summary>
    public string Id { get; set; } = "";

    public string XcnUserId { get; set; } = "";

    public string Status { get; set; } = "";

    public long Version { get; set; }

    public string Body { get; set; } = "";

    public DateTime CreatedAt { get; set; }

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
