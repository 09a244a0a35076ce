using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Conventions;
using MongoDB.Bson.Serialization.Serializers;

namespace Rrr.Persistence.Mongo;

/// <summary>
/// How this adapter's documents map to BSON, once for all of them instead of an attribute on every
/// property: snake_case field names (the names production already holds) and DateTimes read back as UTC.
/// Attributes remain only where a field differs (an id not named Id, fields left out when null).
/// </summary>
internal static class MongoConventions
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "The conventions must be in place before any document's class map is built, including where a test serializes a document without an adapter.")]
    internal static void Register() =>
        ConventionRegistry.Register(
            "rrr-portal-mongo-documents",
            new ConventionPack { new SnakeCaseElementNames(), new UtcDateTimes() },
            type => type.Namespace == typeof(MongoConventions).Namespace);

    /// <summary>"XcnUserId" → "xcn_user_id".</summary>
    internal static string SnakeCase(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }

    private sealed class SnakeCaseElementNames : ConventionBase, IMemberMapConvention
    {
        public void Apply(BsonMemberMap memberMap)
        {
            // A name set by something else (the id's "_id", an attribute) stays.
            if (memberMap.ElementName == memberMap.MemberName)
            {
                memberMap.SetElementName(SnakeCase(memberMap.MemberName));
            }
        }
    }

    private sealed class UtcDateTimes : ConventionBase, IMemberMapConvention
    {
        private static readonly DateTimeSerializer Utc = new(DateTimeKind.Utc);

        public void Apply(BsonMemberMap memberMap)
        {
            if (memberMap.MemberType == typeof(DateTime))
            {
                memberMap.SetSerializer(Utc);
            }
            else if (memberMap.MemberType == typeof(DateTime?))
            {
                memberMap.SetSerializer(new NullableSerializer<DateTime>(Utc));
            }
        }
    }
}
