using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Portal.Data;

/// <summary>
/// Stores every DateTime as UTC and reads it back marked UTC. An unmarked value is taken to be UTC already (the portal's
/// convention); a local one is converted. Also truncated to whole microseconds, the precision PostgreSQL keeps, so a value
/// reads back exactly as it was hashed or compared on both providers.
/// </summary>
public sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(v => ToStored(v), v => DateTime.SpecifyKind(v, DateTimeKind.Utc))
{
    public static DateTime ToStored(DateTime value)
    {
        var utc = value.Kind switch
        {
            DateTimeKind.Utc => value,
            DateTimeKind.Local => value.ToUniversalTime(),
            _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        };
        return TruncateToMicroseconds(utc);
    }

    public static DateTime TruncateToMicroseconds(DateTime value) =>
        value == DateTime.MaxValue || value == DateTime.MinValue ? value : new DateTime(value.Ticks - (value.Ticks % 10), value.Kind);
}

/// <summary>The nullable form of <see cref="UtcDateTimeConverter"/>.</summary>
public sealed class NullableUtcDateTimeConverter() : ValueConverter<DateTime?, DateTime?>(
    v => v.HasValue ? UtcDateTimeConverter.ToStored(v.Value) : v,
    v => v.HasValue ? DateTime.SpecifyKind(v.Value, DateTimeKind.Utc) : v);
