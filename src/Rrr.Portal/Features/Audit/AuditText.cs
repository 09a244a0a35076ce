namespace Rrr.Portal.Features.Audit;

/// <summary>The audit trail's texts (AuditText.resx, AuditText.es.resx); the CSV export keeps its machine-readable English headers. Only a name for <c>IStringLocalizer&lt;AuditText&gt;</c>.</summary>
public sealed class AuditText
{
}
