# The approvals dock: actions held for a human, decided here, and the
# desktop notifications that announce them (ui/approvals/).
target_sources(osh_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/approvalsmodel.cpp ${CMAKE_CURRENT_LIST_DIR}/approvalsmodel.h
    ${CMAKE_CURRENT_LIST_DIR}/approvalspanel.cpp ${CMAKE_CURRENT_LIST_DIR}/approvalspanel.h
    ${CMAKE_CURRENT_LIST_DIR}/notifier.cpp ${CMAKE_CURRENT_LIST_DIR}/notifier.h
)
