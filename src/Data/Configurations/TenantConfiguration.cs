using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Tenants;

namespace Portal.Data.Configurations;

internal sealed class TenantConfiguration : IEntityTypeConfiguration<Tenant>
{
    public void Configure(EntityTypeBuilder<Tenant> builder)
    {
        builder.ToTable("Tenants");
        builder.Property(t => t.DisplayName).HasMaxLength(TenantLimits.DisplayName).IsRequired();
        builder.Property(t => t.NormalizedName).HasMaxLength(TenantLimits.DisplayName).IsRequired();
        builder.HasIndex(t => t.NormalizedName).IsUnique();
        builder.Property(t => t.CustomerReference).HasMaxLength(TenantLimits.CustomerReference);
        builder.Property(t => t.UemConsoleUrl).HasMaxLength(TenantLimits.Url).IsRequired();
        builder.Property(t => t.UemApiUrl).HasMaxLength(TenantLimits.Url).IsRequired();
        builder.Property(t => t.UemTokenUrl).HasMaxLength(TenantLimits.Url).IsRequired();
        builder.Property(t => t.OrganizationGroupId).HasMaxLength(TenantLimits.OrganizationGroupId);
        builder.Property(t => t.OrganizationGroupName).HasMaxLength(TenantLimits.OrganizationGroupName);
        builder.Property(t => t.OAuthClientId).HasMaxLength(TenantLimits.ClientId);
        builder.Property(t => t.IntelligenceClientId).HasMaxLength(TenantLimits.ClientId);
        builder.Property(t => t.Contacts).HasMaxLength(TenantLimits.Contacts);
        builder.Property(t => t.Notes).HasMaxLength(TenantLimits.Notes);
        builder.Property(t => t.CreatedBy).HasMaxLength(256).IsRequired();
        builder.Property(t => t.UpdatedBy).HasMaxLength(256).IsRequired();
        builder.Property(t => t.Version).IsConcurrencyToken();
        builder.HasIndex(t => t.IsArchived);
        // Regions are reference data: a region in use cannot be deleted.
        builder.HasOne(t => t.UemRegion).WithMany().HasForeignKey(t => t.UemRegionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(t => t.IntelligenceRegion).WithMany().HasForeignKey(t => t.IntelligenceRegionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(t => t.Tags).WithOne().HasForeignKey(t => t.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TenantTagConfiguration : IEntityTypeConfiguration<TenantTag>
{
    public void Configure(EntityTypeBuilder<TenantTag> builder)
    {
        builder.ToTable("TenantTags");
        builder.HasKey(t => new { t.TenantId, t.Name });
        builder.Property(t => t.Name).HasMaxLength(TenantTags.MaxLength);
        builder.HasIndex(t => t.Name);
    }
}

internal sealed class TenantSecretConfiguration : IEntityTypeConfiguration<TenantSecret>
{
    public void Configure(EntityTypeBuilder<TenantSecret> builder)
    {
        builder.ToTable("TenantSecrets");
        builder.HasKey(s => new { s.TenantId, s.Kind });
        builder.Property(s => s.Kind).HasConversion<string>().HasMaxLength(40);
        builder.Property(s => s.ProtectedValue).HasMaxLength(4000).IsRequired();
        builder.Property(s => s.Fingerprint).HasMaxLength(40).IsRequired();
        builder.Property(s => s.SetBy).HasMaxLength(256).IsRequired();
        builder.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UserTenantScopeConfiguration : IEntityTypeConfiguration<UserTenantScope>
{
    public void Configure(EntityTypeBuilder<UserTenantScope> builder)
    {
        builder.ToTable("UserTenantScopes");
        builder.HasKey(s => new { s.UserId, s.Tag });
        builder.Property(s => s.Tag).HasMaxLength(TenantTags.MaxLength);
        builder.HasOne<PortalUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
