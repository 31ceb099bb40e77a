#pragma once

#include "usecases/remote_builder_pool.h"
#include "vitrine/v1/builders.pb.h"

#include <optional>

namespace vitrine::adapters::grpc {

// The largest artifact chunk a builder sends in one message.
inline constexpr qint64 kArtifactChunkBytes = 1LL << 20;

// A job as it travels to a remote builder, and back into the build the builder runs (with the limits).
v1::BuilderJob toPb(const usecases::RemoteJob &job);
// Throws domain::Error (bad request) for a job the builder cannot run (unknown build or deploy type).
usecases::RemoteJob fromPb(const v1::BuilderJob &job);

// The plan a build that succeeded deploys with, as it travels back to the controller.
v1::BuilderPlan toPb(const domain::BuildPlan &plan);
// None when the result has no plan (a builder older than plans); throws domain::Error (bad request) for a
// plan without a deploy type.
std::optional<domain::BuildPlan> planFromPb(const v1::BuilderResult &result);

} // namespace vitrine::adapters::grpc
