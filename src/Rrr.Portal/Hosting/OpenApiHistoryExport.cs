using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Rrr.Portal.Hosting;

/// <summary>How <see cref="HistoryExportEndpoints"/> appears in the OpenAPI document (<see cref="OpenApiHosting"/>).</summary>
public static class OpenApiHistoryExport
{
    /// <summary>The member's history export: CSV, or a problem for every way it can be refused before the first row.</summary>
    public static RouteHandlerBuilder DescribeHistoryExport(this RouteHandlerBuilder endpoint) => endpoint
        .WithName("MemberHistoryCsv")
        .WithTags(OpenApiHosting.MemberTag)
        .WithSummary("The signed-in member's own RRR history as CSV (RFC 4180; text cells starting with = + - @ are prefixed with '), newest first. Dates are UTC days, both ends inclusive.")
        .Produces<string>(StatusCodes.Status200OK, "text/csv")
        .Produces(StatusCodes.Status302Found)
        .ProducesValidationProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status429TooManyRequests)
        .ProducesProblem(StatusCodes.Status502BadGateway)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
        .AddOpenApiOperationTransformer((operation, context, _) =>
        {
            operation.Description = "Columns: " + string.Join(", ", HistoryCsv.Header) + ". 302: not signed in (to sign-in) or not a member (to /forbidden). "
                + "403: a sign-in without a member id. 404: the points panel is switched off. 409: no linked RRR account. 503: RRR is not answering (Retry-After when RRR gave one). "
                + "If RRR stops answering after the first rows, the download is aborted rather than cut short.";
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = HistoryFilter.KindField,
                In = ParameterLocation.Query,
                Description = "Kinds to keep (repeat, or separate with commas); none keeps every kind.",
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Array,
                    Items = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. HistoryKinds.All.Select(k => (JsonNode)JsonValue.Create(HistoryKinds.Code(k)))] },
                },
                Explode = true,
                Style = ParameterStyle.Form,
            });
            operation.Parameters.Add(DateParameter(HistoryFilter.FromField, "First UTC day kept (inclusive); not in the future."));
            operation.Parameters.Add(DateParameter(HistoryFilter.ToField, "Last UTC day kept (inclusive); not before from, not in the future."));
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OpenApiHosting.SessionScheme, context.Document)] = [] });
            return Task.CompletedTask;
        });

    private static OpenApiParameter DateParameter(string name, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Query,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date" },
    };
}
