using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Conventions;
using MongoDB.Bson.Serialization.Serializers;

namespace Rrr.Persistence.Mongo;

/// <summary>
/// How this adapter's documents map to BSON, once for all of them instead of an attribute on every
/// property: snake_case field names (the names production already holds), DateTimes read back as UTC, and on a
/// document marked <see cref="OmitNullFieldsAttribute"/> every nullable field left out while null. Attributes
/// remain only where a field differs (an id not named Id, one field of a document left out when null).
/// </summary>
internal static class MongoConventions
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "The conventions must be in place before any document's class map is built, including where a test serializes a document without an adapter.")]
    internal static void Register() =>
        ConventionRegistry.Register(
            "rrr-portal-mongo-documents",
            new ConventionPack { new SnakeCaseElementNames(), new UtcDateTimes(), new OmitNullFields() },
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

    private sealed class OmitNullFields : ConventionBase, IMemberMapConvention
    {
        public void Apply(BsonMemberMap memberMap)
        {
            // Only the members declared nullable (string?, DateTime?): a null anywhere else is a bug to store, not hide.
            if (memberMap.ClassMap.ClassType.IsDefined(typeof(OmitNullFieldsAttribute), inherit: false)
                && memberMap.MemberInfo is PropertyInfo property
                && new NullabilityInfoContext().Create(property).WriteState == NullabilityState.Nullable)
            {
                memberMap.SetIgnoreIfNull(true);
            }
        }
    }
}

/// <summary>
/// Every nullable field of this document is absent while null, the shape production already holds for it: one
/// mark on the class instead of <c>[BsonIgnoreIfNull]</c> on each field.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class OmitNullFieldsAttribute : Attribute;
