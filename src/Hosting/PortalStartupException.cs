namespace Portal.Hosting;

/// <summary>A start-up problem the operator can fix; printed as a plain message instead of a stack trace.</summary>
public sealed class PortalStartupException : Exception
{
    public PortalStartupException()
    {
    }

    public PortalStartupException(string message) : base(message)
    {
    }

    public PortalStartupException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
