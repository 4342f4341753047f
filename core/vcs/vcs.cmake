# Policy versioning over libgit2 (never the git executable).
target_sources(osh_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/gitlib.cpp ${CMAKE_CURRENT_LIST_DIR}/gitlib.h
    ${CMAKE_CURRENT_LIST_DIR}/textdiff.cpp ${CMAKE_CURRENT_LIST_DIR}/textdiff.h
    ${CMAKE_CURRENT_LIST_DIR}/policyrepository.cpp ${CMAKE_CURRENT_LIST_DIR}/policyrepository.h
)
target_link_libraries(osh_core PRIVATE PkgConfig::LIBGIT2)
# Its libgit2 handles are types of an anonymous namespace held by the
# class's Impl: compiled alone (GCC's -Wsubobject-linkage in a batch).
set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/policyrepository.cpp PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
