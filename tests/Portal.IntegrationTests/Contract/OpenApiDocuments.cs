using System.Collections.Concurrent;
using System.Globalization;
using NJsonSchema;
using NJsonSchema.Validation;
using NSwag;

namespace Portal.IntegrationTests.Contract;

/// <summary>
/// Loads Omnissa's Swagger 2.0 / OpenAPI 3 documents, copied unmodified into the test project (see
/// <c>Contract/openapi/README.md</c>), with NSwag, and validates bodies against their schemas with NJsonSchema (types,
/// required fields, formats, enum, pattern, oneOf/anyOf/allOf, additionalProperties).
/// </summary>
public static class OpenApiDocuments
{
    private static readonly ConcurrentDictionary<string, Lazy<OpenApiDocument>> Cache = new(StringComparer.Ordinal);

    /// <summary>The documents' folder, copied next to the test binaries at build time.</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Contract", "openapi");

    /// <summary>The folder holding Portal.sln, found by walking up from the test binaries.</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Portal.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("Portal.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>
    /// The document, read once. Object schemas that declare properties are closed (no additional properties) unless
    /// they declare a schema for them: a field the documents do not name fails, as the simulator must not invent fields
    /// and a misspelt or mis-cased name is a bug. The copies on disk stay unmodified; only the loaded model is closed.
    /// </summary>
    public static OpenApiDocument Load(string fileName) =>
        Cache.GetOrAdd(fileName, name => new Lazy<OpenApiDocument>(() =>
        {
            var document = OpenApiDocument.FromFileAsync(Path.Combine(Folder, name)).GetAwaiter().GetResult();
            if (document.Paths.Count == 0)
            {
                throw new InvalidOperationException($"{name} has no paths.");
            }

            CloseObjectSchemas(document);
            ApplyKnownDeviations(document);
            return document;
        })).Value;

    public static OpenApiOperation Operation(string fileName, string pathTemplate, string method)
    {
        var document = Load(fileName);
        document.Paths.TryGetValue(pathTemplate, out var item).ShouldBeTrue($"{fileName} has no path {pathTemplate}");
        item!.TryGetValue(method, out var operation).ShouldBeTrue($"{fileName} {pathTemplate} has no {method}");
        return operation!;
    }

    /// <summary>Every operation of a document: path template, method ("get", "post", …) and operation.</summary>
    public static IEnumerable<(string Path, string Method, OpenApiOperation Operation)> Operations(string fileName) =>
        Load(fileName).Paths.SelectMany(p => p.Value.Select(o => (p.Key, o.Key, o.Value)));

    /// <summary>Names of the query parameters an operation declares (its own and its path's).</summary>
    public static IReadOnlySet<string> QueryParameters(OpenApiOperation operation) =>
        operation.ActualParameters.Where(p => p.Kind == OpenApiParameterKind.Query).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>The media types a response declares: OpenAPI 3 content, or Swagger 2.0 <c>produces</c>.</summary>
    public static IReadOnlyList<string> MediaTypes(OpenApiOperation operation, OpenApiResponse response) =>
        [.. response.ActualResponse.Content.Keys.Concat(operation.ActualProduces ?? []).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>The <c>version=N</c> parameters of the media types a response declares.</summary>
    public static IReadOnlyList<int> DeclaredVersions(OpenApiOperation operation, OpenApiResponse response) =>
        [.. MediaTypes(operation, response).Select(VersionOf).OfType<int>().Distinct()];

    /// <summary>The body schema a response declares, or null for none.</summary>
    public static JsonSchema? BodySchema(OpenApiResponse response)
    {
        var actual = response.ActualResponse;
        return (actual.Schema ?? actual.Content.Values.Select(m => m.Schema).FirstOrDefault(s => s is not null))?.ActualSchema;
    }

    /// <summary>A named schema of a document (Swagger 2.0 definitions, OpenAPI 3 components).</summary>
    public static JsonSchema Schema(string fileName, string name) => Load(fileName).Definitions[name].ActualSchema;

    public static int? VersionOf(string? mediaType)
    {
        if (mediaType is null)
        {
            return null;
        }

        foreach (var part in mediaType.Split(';').Skip(1))
        {
            var pair = part.Split('=', 2);
            if (pair.Length == 2 && pair[0].Trim().Equals("version", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(pair[1].Trim().Trim('"'), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            {
                return n;
            }
        }

        return null;
    }

    /// <summary>All properties of a schema, allOf parts included.</summary>
    public static IReadOnlyDictionary<string, JsonSchemaProperty> Properties(JsonSchema schema) => schema.ActualSchema.ActualProperties;

    /// <summary>The JSON kind of a schema as the model tests compare it: "object" when it has properties, else its type.</summary>
    public static string? Kind(JsonSchema schema)
    {
        var actual = schema.ActualSchema;
        if (actual.ActualProperties.Count > 0 || actual.Type.HasFlag(JsonObjectType.Object))
        {
            return "object";
        }

        return actual.Type switch
        {
            var t when t.HasFlag(JsonObjectType.Array) => "array",
            var t when t.HasFlag(JsonObjectType.String) => "string",
            var t when t.HasFlag(JsonObjectType.Integer) => "integer",
            var t when t.HasFlag(JsonObjectType.Number) => "number",
            var t when t.HasFlag(JsonObjectType.Boolean) => "boolean",
            _ => null,
        };
    }

    /// <summary>Validates a JSON body against a schema; each error names its path and kind.</summary>
    public static IReadOnlyList<string> Validate(string json, JsonSchema schema) =>
        [.. Flatten(schema.ActualSchema.Validate(json))];

    private static IEnumerable<string> Flatten(IEnumerable<ValidationError> errors)
    {
        foreach (var error in errors)
        {
            yield return $"{error.Path}: {error.Kind}";
            if (error is ChildSchemaValidationError child)
            {
                foreach (var nested in child.Errors.Values.SelectMany(Flatten))
                {
                    yield return "  " + nested;
                }
            }
        }
    }

    /// <summary>
    /// Where UEM itself answers other than its documents say, the loaded model follows UEM; each deviation is named here.
    /// <c>BaseExceptionModel.message</c> is declared an object, yet UEM's error bodies carry a string (e.g.
    /// <c>{"errorCode":1029,"message":"OAuth token is expired.","activityId":"…"}</c>), so it may be either.
    /// </summary>
    private static void ApplyKnownDeviations(OpenApiDocument document)
    {
        if (document.Definitions.TryGetValue("BaseExceptionModel", out var error)
            && error.ActualSchema.Properties.TryGetValue("message", out var message) && message.ActualSchema.Properties.Count == 0)
        {
            message.ActualSchema.Type = JsonObjectType.Object | JsonObjectType.String;
        }
    }

    private static void CloseObjectSchemas(OpenApiDocument document)
    {
        var seen = new HashSet<JsonSchema>(ReferenceEqualityComparer.Instance);
        var composed = new HashSet<JsonSchema>(ReferenceEqualityComparer.Instance);
        var all = new List<JsonSchema>();
        void Walk(JsonSchema? schema)
        {
            if (schema is null || !seen.Add(schema))
            {
                return;
            }

            all.Add(schema);
            Walk(schema.Reference);
            foreach (var part in schema.AllOf.Concat(schema.OneOf).Concat(schema.AnyOf))
            {
                composed.Add(part.ActualSchema); // closing a part would reject the other parts' fields
                Walk(part);
            }

            foreach (var property in schema.Properties.Values)
            {
                Walk(property);
            }

            Walk(schema.Item);
            foreach (var item in schema.Items)
            {
                Walk(item);
            }

            Walk(schema.AdditionalPropertiesSchema);
        }

        foreach (var schema in document.Definitions.Values)
        {
            Walk(schema);
        }

        foreach (var (_, _, operation) in document.Paths.SelectMany(p => p.Value.Select(o => (p.Key, o.Key, o.Value))))
        {
            foreach (var response in operation.ActualResponses.Values)
            {
                Walk(response.ActualResponse.Schema);
                foreach (var media in response.ActualResponse.Content.Values)
                {
                    Walk(media.Schema);
                }
            }
        }

        foreach (var schema in all.Where(s => s.Properties.Count > 0 && s.AllOf.Count == 0 && s.OneOf.Count == 0 && s.AnyOf.Count == 0
                     && s.AdditionalPropertiesSchema is null && !composed.Contains(s)))
        {
            schema.AllowAdditionalProperties = false;
        }
    }
}
