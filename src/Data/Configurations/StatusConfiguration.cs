using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Status;
using Portal.Features.Status.Notifications;
using Portal.Features.Tenants;

namespace Portal.Data.Configurations;

internal sealed class CheckResultConfiguration : IEntityTypeConfiguration<CheckResult>
{
    public void Configure(EntityTypeBuilder<CheckResult> builder)
    {
        builder.ToTable("StatusCheckResults");
        builder.Property(c => c.Diagnosis).HasMaxLength(1000).IsRequired();
        builder.Property(c => c.Fix).HasMaxLength(1000);
        builder.Property(c => c.ErrorCode).HasMaxLength(100);
        builder.Property(c => c.EvidenceJson).HasMaxLength(8000);
        // Latest per tenant+layer and the per-layer sparkline history are both range scans of this index.
        builder.HasIndex(c => new { c.TenantId, c.Layer, c.CheckedUtc });
        // Timeline of one tenant, and retention pruning.
        builder.HasIndex(c => new { c.TenantId, c.CheckedUtc });
        builder.HasIndex(c => c.CheckedUtc);
        builder.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TenantStatusSnapshotConfiguration : IEntityTypeConfiguration<TenantStatusSnapshot>
{
    public void Configure(EntityTypeBuilder<TenantStatusSnapshot> builder)
    {
        builder.ToTable("TenantStatus");
        builder.HasKey(s => s.TenantId);
        builder.Property(s => s.Diagnosis).HasMaxLength(1000);
        builder.Property(s => s.Fix).HasMaxLength(1000);
        builder.Property(s => s.LastAttestedBy).HasMaxLength(256);
        builder.Property(s => s.LastAttestationComment).HasMaxLength(StatusAttestation.CommentMaxLength);
        builder.HasIndex(s => new { s.Status, s.StatusSinceUtc });
        builder.HasOne<Tenant>().WithOne().HasForeignKey<TenantStatusSnapshot>(s => s.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class StatusAttestationConfiguration : IEntityTypeConfiguration<StatusAttestation>
{
    public void Configure(EntityTypeBuilder<StatusAttestation> builder)
    {
        builder.ToTable("StatusAttestations");
        builder.Property(a => a.AttestedBy).HasMaxLength(256).IsRequired();
        builder.Property(a => a.Comment).HasMaxLength(StatusAttestation.CommentMaxLength).IsRequired();
        builder.HasIndex(a => new { a.TenantId, a.AttestedUtc });
        builder.HasOne<Tenant>().WithMany().HasForeignKey(a => a.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class NotificationChannelConfiguration : IEntityTypeConfiguration<NotificationChannel>
{
    public void Configure(EntityTypeBuilder<NotificationChannel> builder)
    {
        builder.ToTable("NotificationChannels");
        builder.Property(c => c.Name).HasMaxLength(NotificationChannelService.NameMaxLength).IsRequired();
        builder.Property(c => c.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.SmtpSecurity).HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.Tag).HasMaxLength(TenantTags.MaxLength);
        builder.Property(c => c.SmtpHost).HasMaxLength(255);
        builder.Property(c => c.SmtpUserName).HasMaxLength(NotificationChannelService.SmtpUserNameMaxLength);
        builder.Property(c => c.ProtectedSmtpPassword).HasMaxLength(4000);
        builder.Property(c => c.FromAddress).HasMaxLength(320);
        builder.Property(c => c.ToAddresses).HasMaxLength(2000);
        builder.Property(c => c.ProtectedWebhookUrl).HasMaxLength(4000);
        builder.Property(c => c.WebhookFormat).HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.ProtectedSigningSecret).HasMaxLength(4000);
        builder.Property(c => c.SecretFingerprint).HasMaxLength(40);
        builder.Property(c => c.UpdatedBy).HasMaxLength(256).IsRequired();
    }
}

internal sealed class NotificationDeliveryConfiguration : IEntityTypeConfiguration<NotificationDelivery>
{
    public void Configure(EntityTypeBuilder<NotificationDelivery> builder)
    {
        builder.ToTable("NotificationDeliveries");
        builder.Property(d => d.EventKey).HasMaxLength(200).IsRequired();
        builder.Property(d => d.EventKind).HasMaxLength(40).IsRequired();
        builder.Property(d => d.Subject).HasMaxLength(500).IsRequired();
        builder.Property(d => d.Body).HasMaxLength(4000).IsRequired();
        builder.Property(d => d.LastError).HasMaxLength(500);
        builder.Property(d => d.Link).HasMaxLength(2048);
        // The debounce: one delivery per channel per event key.
        builder.HasIndex(d => new { d.ChannelId, d.EventKey }).IsUnique();
        builder.HasIndex(d => d.EventKey);
        builder.HasIndex(d => new { d.State, d.NextAttemptUtc });
        builder.HasOne<NotificationChannel>().WithMany().HasForeignKey(d => d.ChannelId).OnDelete(DeleteBehavior.Cascade);
    }
}
