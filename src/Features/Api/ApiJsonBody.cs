using System.Globalization;
using System.Text.Json;

namespace Portal.Features.Api;

/// <summary>
/// Reads a JSON request body with Problem Details for what minimal API binding answers with an empty 400 or 415:
/// a body that is not JSON, is cut off, has a value of the wrong type, or was sent with another content type.
/// The messages name where the problem is, never the value (it may be a secret).
/// </summary>
public static class ApiJsonBody
{
    /// <summary>
    /// Documents the JSON body a handler reads with <see cref="ReadAsync{T}"/>. Not <c>Accepts&lt;T&gt;</c>: that makes routing
    /// refuse other content types itself, with an empty answer instead of the Problem Details below.
    /// </summary>
    public static RouteHandlerBuilder AcceptsJsonBody<T>(this RouteHandlerBuilder endpoint) => endpoint.WithMetadata(new JsonBodyMetadata(typeof(T)));

    /// <summary>The request body schema for endpoints marked with <see cref="AcceptsJsonBody{T}"/>.</summary>
    internal static async Task DescribeAsync(Microsoft.OpenApi.OpenApiOperation operation, Microsoft.AspNetCore.OpenApi.OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<JsonBodyMetadata>().FirstOrDefault() is { } body)
        {
            operation.RequestBody = new Microsoft.OpenApi.OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, Microsoft.OpenApi.OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(body.Type, null, ct) },
                },
            };
        }
    }

    private sealed record JsonBodyMetadata(Type Type);

    public static async Task<(T? Body, IResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.HasJsonContentType())
        {
            return (null, ApiProblems.WrongContentType("the body as JSON", "application/json", request.ContentType, "The body must be JSON"));
        }

        try
        {
            var body = await request.ReadFromJsonAsync<T>(ct);
            return body is null
                ? (null, Malformed("The body is empty or null: send a JSON object, e.g. {\"displayName\": \"Contoso\", …}.", null))
                : (body, null);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line
                ? $" at line {(line + 1).ToString(CultureInfo.InvariantCulture)}, position {((ex.BytePositionInLine ?? 0) + 1).ToString(CultureInfo.InvariantCulture)}"
                : "";
            var field = FieldOf(ex.Path);
            // System.Text.Json's own wording tells a value of the wrong type from broken syntax; its message is not passed on.
            var wrongType = ex.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal);
            var detail = wrongType && field is not null
                ? $"The value of '{field}'{where} has the wrong type: text goes in quotes, numbers and true/false without, lists in [ ]. Nothing was saved."
                : $"The body is not valid JSON{where}{(field is null ? "" : $" (near '{field}')")}: check quotes, commas and braces, and that it is complete. Nothing was saved.";
            return (null, Malformed(detail, field));
        }
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Malformed(string detail, string? field) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Malformed JSON body",
            extensions: field is null ? null : new Dictionary<string, object?> { ["field"] = field });

    /// <summary>"$.uemRegionId" → "uemRegionId"; the root or no path → null.</summary>
    private static string? FieldOf(string? path) =>
        path is { Length: > 2 } && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
}
