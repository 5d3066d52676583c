using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Setup;
using Portal.Features.Tenants;

namespace Portal.Data.Configurations;

internal sealed class SetupRunConfiguration : IEntityTypeConfiguration<SetupRun>
{
    public void Configure(EntityTypeBuilder<SetupRun> builder)
    {
        builder.ToTable("SetupRuns");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.StartedBy).HasMaxLength(256).IsRequired();
        builder.Property(r => r.SecretRevealedTo).HasMaxLength(256);
        builder.Property(r => r.Version).IsConcurrencyToken();
        builder.HasOne<Tenant>().WithMany().HasForeignKey(r => r.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(r => r.Steps).WithOne().HasForeignKey(s => s.RunId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => new { r.TenantId, r.FinishedUtc });
        builder.Ignore(r => r.CurrentStep);
        builder.Ignore(r => r.IsFinished);
        builder.Ignore(r => r.OrderedSteps);
    }
}

internal sealed class SetupStepRecordConfiguration : IEntityTypeConfiguration<SetupStepRecord>
{
    public void Configure(EntityTypeBuilder<SetupStepRecord> builder)
    {
        builder.ToTable("SetupSteps");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Step).HasConversion<string>().HasMaxLength(40);
        builder.Property(s => s.State).HasConversion<string>().HasMaxLength(24);
        builder.Property(s => s.CompletedBy).HasMaxLength(256);
        builder.Property(s => s.InputsFingerprint).HasMaxLength(80);
        builder.Property(s => s.SkipReason).HasMaxLength(SetupRun.MaximumSkipReasonLength);
        builder.HasIndex(s => new { s.RunId, s.Step }).IsUnique();
        builder.Ignore(s => s.IsDone);
    }
}
