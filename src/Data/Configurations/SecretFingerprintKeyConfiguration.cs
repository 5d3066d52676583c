using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Tenants;

namespace Portal.Data.Configurations;

internal sealed class SecretFingerprintKeyConfiguration : IEntityTypeConfiguration<SecretFingerprintKey>
{
    public void Configure(EntityTypeBuilder<SecretFingerprintKey> builder)
    {
        builder.ToTable("SecretFingerprintKeys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Id).ValueGeneratedNever();
        builder.Property(k => k.ProtectedKey).IsRequired();
    }
}
