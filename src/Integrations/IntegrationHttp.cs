using System.Net.Http.Headers;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Portal.Integrations;

/// <summary>Shared send/parse helpers: turn transport and protocol failures into <see cref="IntegrationException"/>.</summary>
internal static class IntegrationHttp
{
    private const int MaxErrorBodyChars = 4096;

    public static MediaTypeWithQualityHeaderValue VersionedJson(int version)
    {
        var media = new MediaTypeWithQualityHeaderValue("application/json");
        media.Parameters.Add(new NameValueHeaderValue("version", version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return media;
    }

    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage request, IntegrationStage stage, string operation, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (HttpRequestException ex) when (Egress.EgressRefusedException.Find(ex) is { } refused)
        {
            throw new IntegrationException(IntegrationFailureKind.EgressRefused, stage, operation, uri, refused.Message, ex);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.NameResolutionError)
        {
            throw new IntegrationException(IntegrationFailureKind.UnknownHost, stage, operation, uri, $"The host {uri.Host} could not be resolved.", ex);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.SecureConnectionError)
        {
            throw new IntegrationException(IntegrationFailureKind.TlsFailure, stage, operation, uri, $"A secure (TLS) connection to {uri.Authority} could not be established.", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new IntegrationException(IntegrationFailureKind.ConnectionFailed, stage, operation, uri, $"Could not connect to {uri.Authority}.", ex);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new IntegrationException(IntegrationFailureKind.Timeout, stage, operation, uri, $"{uri.Authority} did not answer in time.", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IntegrationException(IntegrationFailureKind.Timeout, stage, operation, uri, $"{uri.Authority} did not answer in time.", ex);
        }
        catch (BrokenCircuitException ex)
        {
            throw new IntegrationException(IntegrationFailureKind.CircuitOpen, stage, operation, uri, $"Calls to {uri.Authority} are paused after repeated failures.", ex);
        }
    }

    /// <summary>Builds the exception for a non-success response, parsing UEM, OAuth and Intelligence error bodies.</summary>
    public static async Task<IntegrationException> ErrorAsync(HttpResponseMessage response, IntegrationStage stage, string operation, TimeProvider time, CancellationToken cancellationToken)
    {
        var uri = response.RequestMessage?.RequestUri ?? new Uri("about:blank");
        string? code = null, message = null, activityId = null;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (body.Length > MaxErrorBodyChars)
        {
            body = body[..MaxErrorBodyChars];
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                code = Text(root, "errorCode") ?? Text(root, "error");
                message = Text(root, "message") ?? Text(root, "error_description");
                activityId = Text(root, "activityId");
                if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
                {
                    code ??= Text(errors[0], "code");
                    message ??= Text(errors[0], "message");
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (an HTML error page, a proxy): the status code is the evidence.
        }

        var status = (int)response.StatusCode;
        return new IntegrationException(IntegrationFailureKind.HttpError, stage, operation, uri, $"{operation} returned HTTP {status}{(code is null ? "" : $" ({code})")}.")
        {
            StatusCode = status,
            ErrorCode = code,
            ErrorMessage = message,
            ActivityId = activityId,
            RetryAt = RetryAfterHeader.RetryAt(response, time),
        };
    }

    public static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, IntegrationStage stage, string operation, CancellationToken cancellationToken)
    {
        var uri = response.RequestMessage?.RequestUri ?? new Uri("about:blank");
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await JsonSerializer.DeserializeAsync<T>(stream, cancellationToken: cancellationToken)
                ?? throw new IntegrationException(IntegrationFailureKind.MalformedResponse, stage, operation, uri, $"{operation} returned an empty body.") { StatusCode = (int)response.StatusCode };
        }
        catch (JsonException ex)
        {
            throw new IntegrationException(IntegrationFailureKind.MalformedResponse, stage, operation, uri, $"{operation} returned a body that is not valid JSON.", ex) { StatusCode = (int)response.StatusCode };
        }
    }

    /// <summary>
    /// A search result: UEM answers an empty search with <c>204 No Content</c>, which is "no results"
    /// (<paramref name="empty"/>), not a malformed body.
    /// </summary>
    public static Task<T> ReadSearchAsync<T>(HttpResponseMessage response, T empty, IntegrationStage stage, string operation, CancellationToken cancellationToken) =>
        response.StatusCode == System.Net.HttpStatusCode.NoContent
            ? Task.FromResult(empty)
            : ReadJsonAsync<T>(response, stage, operation, cancellationToken);

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number or JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                _ => null,
            }
            : null;
}
