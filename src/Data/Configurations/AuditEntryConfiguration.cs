using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Audit;

namespace Portal.Data.Configurations;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("AuditEntries");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.Actor).HasMaxLength(256).IsRequired();
        builder.Property(e => e.ActorRoles).HasMaxLength(128).IsRequired();
        builder.Property(e => e.SourceIp).HasMaxLength(64);
        builder.Property(e => e.TenantId).HasMaxLength(64);
        builder.Property(e => e.TenantName).HasMaxLength(200);
        builder.Property(e => e.Action).HasMaxLength(100).IsRequired();
        builder.Property(e => e.Outcome).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.DetailsJson).IsRequired();
        builder.Property(e => e.CorrelationId).HasMaxLength(64).IsRequired();
        builder.Property(e => e.PreviousHash).HasMaxLength(64).IsRequired();
        builder.Property(e => e.Hash).HasMaxLength(64).IsRequired();

        // Keyset paging walks ids downwards; each filter has an index ending in Id so the plan is a SEARCH.
        builder.HasIndex(e => e.TimestampUtc);
        builder.HasIndex(e => new { e.TenantId, e.Id });
        builder.HasIndex(e => new { e.Actor, e.Id });
        builder.HasIndex(e => new { e.Action, e.Id });
    }
}
