using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Portal.IntegrationTests.Contract;

/// <summary>The HTTP methods the contract cases use (Microsoft.OpenApi 2 keys operations by <see cref="HttpMethod"/>).</summary>
public enum OperationType
{
    Get = 0,
    Post = 1,
    Put = 2,
    Delete = 3,
    Patch = 4,
}

/// <summary>Loads Omnissa's Swagger 2.0 / OpenAPI 3 documents, copied unmodified into the test project (see <c>Contract/openapi/README.md</c>).</summary>
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

    public static OpenApiDocument Load(string fileName) =>
        Cache.GetOrAdd(fileName, name => new Lazy<OpenApiDocument>(() =>
        {
            using var stream = new MemoryStream(File.ReadAllBytes(Path.Combine(Folder, name)));
            var (document, diagnostic) = OpenApiDocument.Load(stream, "json", new OpenApiReaderSettings());
            if (document?.Paths is null)
            {
                throw new InvalidOperationException($"{name} could not be read: {string.Join("; ", diagnostic?.Errors.Select(e => e.Message) ?? [])}");
            }

            return document;
        })).Value;

    public static OpenApiOperation Operation(string fileName, string pathTemplate, OperationType method)
    {
        var document = Load(fileName);
        document.Paths.TryGetValue(pathTemplate, out var item).ShouldBeTrue($"{fileName} has no path {pathTemplate}");
        (item!.Operations ?? []).TryGetValue(MethodOf(method), out var operation).ShouldBeTrue($"{fileName} {pathTemplate} has no {method}");
        return operation!;
    }

    public static HttpMethod MethodOf(OperationType method) => new(method.ToString().ToUpperInvariant());

    public static OperationType OperationOf(HttpMethod method) => Enum.Parse<OperationType>(method.Method, ignoreCase: true);

    /// <summary>The schema's JSON type in the words of OpenAPI ("object", "string", ...), ignoring "null".</summary>
    public static string? TypeName(IOpenApiSchema schema) => (schema.Type & ~JsonSchemaType.Null) switch
    {
        JsonSchemaType.Object => "object",
        JsonSchemaType.Array => "array",
        JsonSchemaType.String => "string",
        JsonSchemaType.Integer => "integer",
        JsonSchemaType.Number => "number",
        JsonSchemaType.Boolean => "boolean",
        _ => null,
    };

    /// <summary>The <c>version=N</c> parameters of the media types a response declares.</summary>
    public static IReadOnlyList<int> DeclaredVersions(IOpenApiResponse response) =>
        [.. (response.Content?.Keys ?? []).Select(VersionOf).OfType<int>().Distinct()];

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

    /// <summary>All properties of a schema, merging allOf parts.</summary>
    public static IReadOnlyDictionary<string, IOpenApiSchema> Properties(IOpenApiSchema schema)
    {
        var result = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        foreach (var part in schema.AllOf ?? [])
        {
            foreach (var (name, value) in Properties(part))
            {
                result[name] = value;
            }
        }

        foreach (var (name, value) in schema.Properties ?? new Dictionary<string, IOpenApiSchema>())
        {
            result[name] = value;
        }

        return result;
    }

    private static IEnumerable<string> Required(IOpenApiSchema schema) =>
        (schema.Required ?? new HashSet<string>()).Concat((schema.AllOf ?? []).SelectMany(Required));

    private static string? TypeOf(IOpenApiSchema schema) =>
        TypeName(schema) ?? (schema.AllOf ?? []).Select(TypeOf).FirstOrDefault(t => t is not null) ?? (Properties(schema).Count > 0 ? "object" : null);

    /// <summary>
    /// Structural validation: JSON types, required fields, formats (uuid, date-time, int32/64) and, where the schema
    /// declares properties, that no undeclared field name appears (catches misspelt or mis-cased names).
    /// </summary>
    public static void Validate(JsonElement element, IOpenApiSchema schema, string path, List<string> errors)
    {
        if (path.Length > 400)
        {
            return;
        }

        if (element.ValueKind == JsonValueKind.Null)
        {
            if (schema.Type is not { } type || !type.HasFlag(JsonSchemaType.Null))
            {
                errors.Add($"{path}: null where the schema does not allow it");
            }

            return;
        }

        switch (TypeOf(schema))
        {
            case "object":
            {
                var properties = Properties(schema);
                if (element.ValueKind != JsonValueKind.Object)
                {
                    if (properties.Count > 0)
                    {
                        errors.Add($"{path}: expected object, got {element.ValueKind}");
                    }

                    return; // "object" with no properties (e.g. BaseExceptionModel.message) accepts any value
                }

                foreach (var required in Required(schema))
                {
                    if (!element.TryGetProperty(required, out _))
                    {
                        errors.Add($"{path}: missing required field '{required}'");
                    }
                }

                foreach (var property in element.EnumerateObject())
                {
                    if (properties.TryGetValue(property.Name, out var child))
                    {
                        Validate(property.Value, child, $"{path}.{property.Name}", errors);
                    }
                    else if (properties.Count > 0)
                    {
                        errors.Add($"{path}: field '{property.Name}' is not declared by the schema");
                    }
                }

                break;
            }

            case "array":
                if (element.ValueKind != JsonValueKind.Array)
                {
                    errors.Add($"{path}: expected array, got {element.ValueKind}");
                    return;
                }

                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (schema.Items is not null)
                    {
                        Validate(item, schema.Items, $"{path}[{index}]", errors);
                    }

                    index++;
                }

                break;
            case "string":
                if (element.ValueKind != JsonValueKind.String)
                {
                    errors.Add($"{path}: expected string, got {element.ValueKind}");
                }
                else if (schema.Format == "uuid" && !Guid.TryParse(element.GetString(), out _))
                {
                    errors.Add($"{path}: '{element.GetString()}' is not a uuid");
                }
                else if (schema.Format == "date-time" && !DateTimeOffset.TryParse(element.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
                {
                    errors.Add($"{path}: '{element.GetString()}' is not a date-time");
                }

                break;
            case "integer":
                if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var value))
                {
                    errors.Add($"{path}: expected integer, got {element.ValueKind}");
                }
                else if (schema.Format == "int32" && (value < int.MinValue || value > int.MaxValue))
                {
                    errors.Add($"{path}: {value} does not fit int32");
                }

                break;
            case "number":
                if (element.ValueKind != JsonValueKind.Number)
                {
                    errors.Add($"{path}: expected number, got {element.ValueKind}");
                }

                break;
            case "boolean":
                if (element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    errors.Add($"{path}: expected boolean, got {element.ValueKind}");
                }

                break;
            default:
                break; // untyped: anything goes
        }
    }
}
