using System.ComponentModel.DataAnnotations;

namespace Portal.Features.Validation;

/// <summary>Applies <see cref="FreeText.Check"/> to a form model property, so the form shows the same message the service enforces.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class FreeTextAttribute(string field, int maxLength) : ValidationAttribute
{
    public string Field { get; } = field;

    public int MaxLength { get; } = maxLength;

    public bool MultiLine { get; init; }

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        ArgumentNullException.ThrowIfNull(validationContext);
        return FreeText.Check(Field, value as string, MaxLength, multiLine: MultiLine) is { } message
            ? new ValidationResult(message, validationContext.MemberName is { } member ? [member] : null)
            : ValidationResult.Success;
    }
}
