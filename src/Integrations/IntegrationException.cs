namespace Portal.Integrations;

/// <summary>How a call to an external service failed, before any interpretation.</summary>
public enum IntegrationFailureKind
{
    UnknownHost,
    TlsFailure,
    ConnectionFailed,
    Timeout,
    CircuitOpen,
    HttpError,
    MalformedResponse,

    /// <summary>The egress guard refused the address before connecting (internal network, metadata service).</summary>
    EgressRefused,
}

/// <summary>Which hop failed: the token service or the API behind it.</summary>
public enum IntegrationStage
{
    Token,
    Api,
}

/// <summary>
/// A failed call with the raw evidence (status, error code, activityId, host). Never carries a secret:
/// the request URI is kept without its query string.
/// </summary>
public sealed class IntegrationException : Exception
{
    public IntegrationException()
    {
    }

    public IntegrationException(string message)
        : base(message)
    {
    }

    public IntegrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public IntegrationException(IntegrationFailureKind kind, IntegrationStage stage, string operation, Uri requestUri, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Stage = stage;
        Operation = operation;
        Host = requestUri.Authority;
        RequestPath = requestUri.GetLeftPart(UriPartial.Path);
    }

    public IntegrationFailureKind Kind { get; init; }

    public IntegrationStage Stage { get; init; }

    /// <summary>Short name of the call, e.g. "GET /API/system/info".</summary>
    public string Operation { get; init; } = "";

    /// <summary>host[:port] that was called.</summary>
    public string Host { get; init; } = "";

    /// <summary>Scheme, host and path of the request (no query).</summary>
    public string RequestPath { get; init; } = "";

    public int? StatusCode { get; init; }

    /// <summary>UEM <c>errorCode</c>, OAuth <c>error</c> or Intelligence <c>errors[0].code</c>.</summary>
    public string? ErrorCode { get; init; }

    public string? ErrorMessage { get; init; }

    /// <summary>UEM <c>activityId</c>: support needs it.</summary>
    public string? ActivityId { get; init; }

    /// <summary>When the service allows the next call (from <c>Retry-After</c>).</summary>
    public DateTimeOffset? RetryAt { get; init; }
}
