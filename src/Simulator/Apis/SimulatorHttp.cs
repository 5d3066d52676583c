using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Simulator.Apis;

/// <summary>Helpers shared by the simulated APIs: JSON options, error bodies, credential parsing and fault injection.</summary>
internal static class SimulatorHttp
{
    internal static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>Operator API request bodies: web defaults with enums as strings.</summary>
    internal static readonly JsonSerializerOptions OperatorJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    internal static IResult OAuthError(string error, string description, int status) =>
        Results.Json(new { error, error_description = description }, Json, statusCode: status);

    internal static (string Id, string Secret)? ReadBasic(HttpContext http)
    {
        if (!AuthenticationHeaderValue.TryParse(http.Request.Headers.Authorization.ToString(), out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
        {
            return null;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : (Uri.UnescapeDataString(decoded[..colon]), Uri.UnescapeDataString(decoded[(colon + 1)..]));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    internal static bool FixedTimeEquals(string expected, string actual) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));

    internal static string? ReadBearer(HttpContext http) =>
        AuthenticationHeaderValue.TryParse(http.Request.Headers.Authorization.ToString(), out var header)
            && string.Equals(header.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase) ? header.Parameter : null;

    /// <summary>The <c>version=N</c> parameter of the Accept header; plain application/json means version 1.</summary>
    internal static int AcceptVersion(HttpContext http)
    {
        foreach (var value in http.Request.Headers.Accept)
        {
            if (value is null || !MediaTypeHeaderValue.TryParse(value.Split(',')[0], out var media))
            {
                continue;
            }

            var version = media.Parameters.FirstOrDefault(p => string.Equals(p.Name, "version", StringComparison.OrdinalIgnoreCase));
            if (version?.Value is { } text && int.TryParse(text.Trim('"'), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            {
                return n;
            }
        }

        return 1;
    }

    internal static string ContentType(int version) => $"application/json;version={version}";

    internal static IResult UemError(int status, int errorCode, string message) =>
        Results.Json(new { errorCode, message, activityId = Guid.NewGuid() }, Json, "application/json", status);

    internal static int ParseInt(string? value, int fallback) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : fallback;

    // ---------------------------------------------------------------- faults

    internal static async Task<IResult?> ApplyFaultAsync(HttpContext http, SimulatorState state, SimFaultTarget target, string? tenantHostKey, string? clientId)
    {
        var fault = state.TakeFault(target, tenantHostKey, clientId, k => k is not (SimFaultKind.WrongRegionIssuer or SimFaultKind.ExpiredTokens or SimFaultKind.SlowReply));
        switch (fault?.Kind)
        {
            case null:
                return null;
            case SimFaultKind.Latency:
                try
                {
                    await Task.Delay(fault.DelayMilliseconds, http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return Results.Empty;
                }

                return null;
            case SimFaultKind.Timeout:
                // Hold the request until the caller gives up (or a long while passes).
                try
                {
                    await Task.Delay(TimeSpan.FromMinutes(2), http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return Results.Empty;
                }

                return Results.StatusCode(504);
            case SimFaultKind.RateLimit:
                http.Response.Headers.RetryAfter = fault.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return Results.Json(new { errorCode = 429, message = "Too Many Requests", activityId = Guid.NewGuid() }, Json, "application/json", 429);
            case SimFaultKind.ServerError:
                return Results.Json(new { errorCode = fault.StatusCode, message = "Service temporarily unavailable.", activityId = Guid.NewGuid() }, Json, "application/json", fault.StatusCode);
            case SimFaultKind.MalformedJson:
                return Results.Text("{\"ProductName\": \"Workspace ONE UEM\", \"Resources\": {", "application/json;version=1", statusCode: 200);
            case SimFaultKind.NoContent:
                return Results.NoContent();
            default:
                return null;
        }
    }
}
