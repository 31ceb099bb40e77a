#pragma once

#include "usecases/remote_builder_pool.h"
#include "vitrine/v1/builders.pb.h"

namespace vitrine::adapters::grpc {

// The largest artifact chunk a builder sends in one message.
inline constexpr qint64 kArtifactChunkBytes = 1LL << 20;

// A job as it travels to a remote builder, and back into the build the builder runs (with the limits).
v1::BuilderJob toPb(const usecases::RemoteJob &job);
// Throws domain::Error (bad request) for a job the builder cannot run (unknown build type).
usecases::RemoteJob fromPb(const v1::BuilderJob &job);

} // namespace vitrine::adapters::grpc
