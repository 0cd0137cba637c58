#pragma once
// Migration 14's SQL (migration_v14_labels.cpp): the labels and label_imports tables.
namespace faceloop::db {

extern const char* const kV14Labels;

}  // namespace faceloop::db
