namespace Portal.Components.Shared.LongWork;

/// <summary>
/// Long work stopped because its caller cancelled it. <see cref="Exception.Message"/> is written for the person who
/// pressed Cancel ("Verification cancelled after 500 of 1,200 entries; nothing was changed.") and <see cref="Reached"/>
/// says how far it got. An <see cref="OperationCanceledException"/>, so hosts treat it as an aborted request.
/// </summary>
public sealed class WorkCancelledException : OperationCanceledException
{
    public WorkCancelledException(string message, WorkProgress reached, CancellationToken token)
        : base(message, token) => Reached = reached;

    public WorkCancelledException()
    {
    }

    public WorkCancelledException(string message)
        : base(message)
    {
    }

    public WorkCancelledException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public WorkProgress Reached { get; }
}
